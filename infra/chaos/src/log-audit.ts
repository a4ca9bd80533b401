import type { Child } from '@bora/processes';
import type { System } from './system.ts';

export interface LogFinding {
  process: string;
  secret: string;
  /** The offending line with the secret masked, so the report does not leak it either. */
  line: string;
}

export interface AuditResult {
  lines: number;
  findings: LogFinding[];
}

/** The strings no log line may contain: every key and token of the run, every customer number. */
export function secretsOf(system: System, customerPhones: readonly string[]): Map<string, string> {
  const secrets = new Map<string, string>([
    [system.adminToken, 'ADMIN_TOKEN'],
    [system.secretKey, 'SECRET_KEY'],
  ]);
  for (const server of system.servers) {
    secrets.set(server.apiKey, `apiKey of ${server.name}`);
    secrets.set(server.webhookSecret, `webhook secret of ${server.name}`);
  }
  for (const phone of customerPhones) secrets.set(phone, 'customer phone');
  return secrets;
}

/** Scans every line every process wrote for every secret. */
export function auditLogs(children: readonly Child[], secrets: Map<string, string>): AuditResult {
  const findings: LogFinding[] = [];
  let lines = 0;
  for (const child of children) {
    for (const line of child.output) {
      lines += 1;
      for (const [value, what] of secrets) {
        if (line.includes(value))
          findings.push({ process: child.name, secret: what, line: line.split(value).join(`<${what}>`).slice(0, 400) });
      }
    }
  }
  return { lines, findings };
}
