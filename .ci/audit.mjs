// Supply-chain gate: `pnpm audit --prod --audit-level high`. A high or critical advisory in a
// production dependency fails CI; when the advisory service cannot be asked (no network, the
// registry refusing the endpoint) CI prints a warning and goes on — an unanswered question is
// not a finding, and it must not block every build. Advisories accepted on purpose are listed,
// with a reason, under `auditConfig.ignoreGhsas` in pnpm-workspace.yaml (see README, Security).
//   node .ci/audit.mjs                       run the audit and judge it
//   node .ci/audit.mjs --from report.json 1  judge a saved `pnpm audit --json` output and exit code
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ERR_PNPM_FETCH|ERR_PNPM_META_FETCH|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket hang up/;

function run() {
  const args = ['audit', '--prod', '--audit-level', 'high', '--json'];
  const result = spawnSync('pnpm', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
  if (result.error)
    return {
      status: 1,
      output: JSON.stringify({ error: { code: result.error.code ?? 'SPAWN', message: String(result.error.message) } }),
    };
  return { status: result.status ?? 1, output: result.stdout };
}

function parse(output) {
  try {
    return JSON.parse(output);
  } catch {
    return undefined;
  }
}

const [flag, file, code] = process.argv.slice(2);
const { status, output } = flag === '--from' ? { status: Number(code), output: readFileSync(file, 'utf8') } : run();
const report = parse(output);

if (status === 0) {
  const v = report?.metadata?.vulnerabilities ?? {};
  console.log(
    `audit: no high or critical advisory in production dependencies (moderate ${v.moderate ?? 0}, low ${v.low ?? 0})`,
  );
  process.exit(0);
}
if (report?.error) {
  const text = `${report.error.code ?? ''} ${report.error.message ?? ''}`;
  if (UNREACHABLE.test(text)) {
    console.log(
      `warning: the advisory service could not be asked, so dependencies were NOT audited: ${text.trim().slice(0, 300)}`,
    );
    process.exit(0);
  }
  console.log(`audit failed: ${text.trim()}`);
  process.exit(1);
}
if (report?.advisories) {
  const found = Object.values(report.advisories).filter((a) => a.severity === 'high' || a.severity === 'critical');
  console.log(
    `audit: ${found.length} high or critical advisor${found.length === 1 ? 'y' : 'ies'} in production dependencies:`,
  );
  for (const a of found)
    console.log(
      `  ${a.severity}  ${a.module_name} ${a.vulnerable_versions ?? ''}  ${a.github_advisory_id ?? a.id}  ${a.title}  ${a.url ?? ''}`,
    );
  console.log(
    'Update the dependency, or accept the advisory on purpose under auditConfig.ignoreGhsas in pnpm-workspace.yaml, with the reason.',
  );
  process.exit(1);
}
console.log(`audit failed with exit code ${status} and an unreadable report:\n${String(output).slice(0, 2000)}`);
process.exit(1);
