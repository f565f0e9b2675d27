import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * A request whose bytes could not be decoded (an int64 beyond 2^53, truncated bytes, nesting deeper than the
 * decoder's stack). grpc-js answers a throwing deserializer with INTERNAL, which blames the server; with this
 * marker in its place the security interceptor answers INVALID_ARGUMENT, which blames the request.
 */
export class MalformedRequest {
  constructor(readonly reason: string) {}
}

/**
 * The same service definition with every request deserializer returning a MalformedRequest instead of
 * throwing. Register it only together with the security interceptor, which never lets the marker reach a handler.
 */
export function withMalformedRequestMarker<S extends ServiceDefinition>(service: S): S {
  const hardened: Record<string, unknown> = {};
  for (const [rpc, method] of Object.entries(service)) {
    hardened[rpc] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return new MalformedRequest(error instanceof Error ? error.message : String(error));
        }
      },
    };
  }
  return hardened as S;
}
