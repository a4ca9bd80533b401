// GET /instance/fetchInstances: rows of the (possibly shared) database, with Evolution's key rules.
import { notFound, unauthorized } from '../errors.ts';
import type { InstanceRecord, ServerRecord, SimStore } from '../store.ts';
import { requestKey, serverFor, type EvoRequest } from './guard.ts';
import { instanceRow } from './instance-views.ts';

/**
 * waMonitor.instanceInfo: every named instance must be loaded in this process (a row another
 * server hosts is "not found"), then the rows with this server's client name are listed.
 */
function instanceInfo(server: ServerRecord, names: string[] | null): InstanceRecord[] {
  if (names) {
    const missing = names.filter((n) => !server.instances.has(n));
    if (missing.length > 0)
      throw notFound(`Instance${missing.length > 1 ? 's' : ''} "${missing.join(', ')}" not found`);
  }
  return [...server.database.rows.values()].filter(
    (r) => r.server.clientName === server.clientName && (!names || names.includes(r.name)),
  );
}

export function fetchInstances(store: SimStore, req: EvoRequest) {
  const server = serverFor(store, req);
  const key = requestKey(server, req);
  const name = req.query.instanceName || undefined;
  let rows: InstanceRecord[];
  if (key === 'global') {
    rows = instanceInfo(server, name ? [name] : null);
  } else {
    // An instance token finds its own row (any client name); another instance's name finds nothing → 401.
    const own = [...server.database.rows.values()].filter((r) => r.token === key && (!name || r.name === name));
    if (own.length === 0) throw unauthorized();
    rows = instanceInfo(
      server,
      own.map((r) => r.name),
    );
  }
  const baseUrl = `${store.publicUrl}/${server.name}`;
  return rows.map((i) => instanceRow(i, baseUrl));
}
