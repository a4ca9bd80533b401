export * from './errors.ts';
export * from './phone.ts';
export * from './crypto.ts';
export * from './time.ts';
