export * from './tenants.ts';
export * from './evolution-apis.ts';
export * from './whatsapp-instances.ts';
export * from './catalogue.ts';
export * from './bookings.ts';
export * from './notifications.ts';
export * from './conversation.ts';
