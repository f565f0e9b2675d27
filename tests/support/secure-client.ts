import { type ChannelCredentials, Metadata, type ServiceError, credentials } from '@grpc/grpc-js';
import * as messages from '../../src/generated/hpo/v1/hpo_service.js';
import { HpoServiceClient } from '../../src/generated/hpo/v1/hpo_service.js';
import type { HpoCaller } from './grpc-client.js';

type Rpc = keyof typeof messages.HpoServiceService;
type DeepPartial<T> = T extends ReadonlyArray<infer U>
  ? Array<DeepPartial<U>>
  : T extends { $case: string }
    ? { [K in keyof T]: DeepPartial<T[K]> }
    : T extends Date | Buffer
      ? T
      : T extends object
        ? { [K in keyof T]?: DeepPartial<T[K]> }
        : T;
type PartialRequestOf<K extends Rpc> = DeepPartial<Parameters<HpoCaller[K]>[0]>;

/** Like HpoCaller, with partial requests. */
export type SecureCaller = {
  [K in Rpc]: (request: PartialRequestOf<K>) => ReturnType<HpoCaller[K]>;
} & Pick<HpoCaller, 'raw' | 'close'>;

/**
 * The generated client with promise methods, sending `authorization: Bearer <token>` when a token is given and
 * using the given channel credentials (plaintext by default). Requests may be partial: they are completed with
 * the generated `fromPartial` (so `{}` is a valid ListStudiesRequest).
 */
export function connectAs(
  address: string,
  options: { token?: string; authorization?: string; channelCredentials?: ChannelCredentials; channelOptions?: Record<string, number> } = {},
): SecureCaller {
  const raw = new HpoServiceClient(address, options.channelCredentials ?? credentials.createInsecure(), options.channelOptions ?? {});
  const metadata = () => {
    const m = new Metadata();
    if (options.token !== undefined) m.set('authorization', `Bearer ${options.token}`);
    if (options.authorization !== undefined) m.set('authorization', options.authorization);
    return m;
  };
  return new Proxy({} as SecureCaller, {
    get(_target, name: string) {
      if (name === 'raw') return raw;
      if (name === 'close') return () => raw.close();
      const method = (raw as unknown as Record<string, Function>)[name];
      if (typeof method !== 'function') return undefined;
      const type = (messages as unknown as Record<string, { fromPartial(p: unknown): unknown }>)[`${name[0].toUpperCase()}${name.slice(1)}Request`];
      return (request: unknown) =>
        new Promise((resolve, reject) => {
          method.call(raw, type.fromPartial(request), metadata(), { deadline: Date.now() + 20_000 }, (error: ServiceError | null, response: unknown) =>
            error ? reject(error) : resolve(response),
          );
        });
    },
  });
}
