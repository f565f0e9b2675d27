import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { type DescriptorProto, type FileDescriptorProto, FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * proto-loader (through protobufjs) describes each package as one synthetic file (`hpo_v1.proto`,
 * `google_protobuf.proto`) whose `dependency` list is empty, although `hpo_v1.proto` uses
 * google.protobuf.Value. A reflection client that links what it receives (grpcurl's `describe` and calls
 * by JSON) cannot resolve such a reference; protobufjs also writes some type names relative (`Value`).
 * This makes every type name fully qualified and fills in every file's dependencies from the types its fields
 * and methods refer to, in every place the package definition keeps the descriptors (what protoc would emit).
 * NOTE: grpc-node issue 2595 (reflection from proto-loader descriptors).
 */
export function withLinkedFileDescriptors(definition: PackageDefinition): PackageDefinition {
  const files = new Map<string, FileDescriptorProto>();
  for (const entry of Object.values(definition)) {
    for (const bytes of descriptorsOf(entry) ?? []) {
      const file = fromBinary(FileDescriptorProtoSchema, bytes);
      if (!files.has(file.name)) files.set(file.name, file);
    }
  }

  const fileOfType = new Map<string, string>();
  const indexMessages = (scope: string, messages: readonly DescriptorProto[], fileName: string) => {
    for (const m of messages) {
      const name = `${scope}.${m.name}`;
      fileOfType.set(name, fileName);
      indexMessages(name, m.nestedType, fileName);
      for (const e of m.enumType) fileOfType.set(`${name}.${e.name}`, fileName);
    }
  };
  for (const file of files.values()) {
    const scope = file.package ? `.${file.package}` : '';
    indexMessages(scope, file.messageType, file.name);
    for (const e of file.enumType) fileOfType.set(`${scope}.${e.name}`, file.name);
  }

  // A relative type name resolves as in C++ (descriptor.proto): the innermost enclosing scope first.
  const resolve = (name: string, scope: string): string => {
    if (name.startsWith('.')) return name;
    for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
      const candidate = `${s}.${name}`;
      if (fileOfType.has(candidate)) return candidate;
      if (s === '') return name;
    }
  };

  const encoded = new Map<string, Uint8Array>();
  for (const file of files.values()) {
    const pkg = file.package ? `.${file.package}` : '';
    const referenced = new Set<string>();
    const visit = (messages: readonly DescriptorProto[], scope: string) => {
      for (const m of messages) {
        const name = `${scope}.${m.name}`;
        for (const f of m.field) {
          if (!f.typeName) continue;
          f.typeName = resolve(f.typeName, name);
          referenced.add(f.typeName);
        }
        visit(m.nestedType, name);
      }
    };
    visit(file.messageType, pkg);
    for (const s of file.service) {
      for (const m of s.method) {
        m.inputType = resolve(m.inputType, pkg);
        m.outputType = resolve(m.outputType, pkg);
        referenced.add(m.inputType).add(m.outputType);
      }
    }
    const dependencies = new Set(file.dependency);
    for (const type of referenced) {
      const owner = fileOfType.get(type);
      if (owner && owner !== file.name) dependencies.add(owner);
    }
    file.dependency = [...dependencies].sort();
    encoded.set(file.name, toBinary(FileDescriptorProtoSchema, file));
  }

  const relink = (list: readonly Buffer[]) =>
    list.map((bytes) => Buffer.from(encoded.get(fromBinary(FileDescriptorProtoSchema, bytes).name) ?? bytes));
  for (const entry of Object.values(definition)) {
    const list = descriptorsOf(entry);
    if (list) (entry as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos = relink(list);
  }
  return definition;
}

function descriptorsOf(entry: unknown): readonly Buffer[] | undefined {
  const list = (entry as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
  return Array.isArray(list) ? (list as Buffer[]) : undefined;
}
