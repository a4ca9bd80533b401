export * from './errors.ts';
export * from './phone.ts';
export * from './crypto.ts';
export * from './time.ts';
export * from './network.ts';
export * from './evolution-host.ts';
export * from './text.ts';
export * from './batcher.ts';
