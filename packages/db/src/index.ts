export * from './schema/index.ts';
export * from './client.ts';
export { migrateDatabase, databaseName, quoteIdent, MIGRATIONS_FOLDER, type MigrateResult } from './migrate.ts';
export { canWrite } from './can-write.ts';
export { contactHistory, CONTACT_SOURCES, sentNotifications, type ContactSource } from './contacts.ts';
export {
  seedFleet,
  type FleetSeedInstance,
  type FleetSeedServer,
  type SeededFleet,
  type SeededFleetServer,
} from './fleet-seed.ts';
