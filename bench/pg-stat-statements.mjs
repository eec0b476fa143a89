// pg_stat_statements for the bench's SQL-per-delivery rows. The extension needs the server to
// preload it (shared_preload_libraries), which takes a restart. Where PostgreSQL runs on this
// machine and the bench has the rights (a superuser role, and Debian's pg_ctlcluster or pg_ctl
// for the cluster), the bench sets it with ALTER SYSTEM and restarts the cluster itself, saying
// so. Anywhere else it says exactly why the rows are n/a and what to do.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Makes pg_stat_statements available on the bench's PostgreSQL, restarting a local cluster once
 * if it must.
 *
 * @example
 * const statements = await ensurePgStatStatements(process.env.DATABASE_URL, console.error);
 * if (!statements.available) console.log(`SQL per delivery: n/a (${statements.reason})`);
 * @returns {Promise<{ available: true, restarted?: string } | { available: false, reason: string }>}
 */
export async function ensurePgStatStatements(adminUrl, log = () => undefined) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let restart;
  try {
    const preload = await loadedLibraries(client);
    if (preload.includes('pg_stat_statements')) return { available: true };
    const host = new URL(adminUrl).hostname;
    if (!LOCAL_HOSTS.has(host)) {
      return {
        available: false,
        reason: `PostgreSQL at ${host} is not on this machine: add pg_stat_statements to its shared_preload_libraries and restart it`,
      };
    }
    const { rows } = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    if (!rows[0]?.rolsuper) {
      return {
        available: false,
        reason:
          'the bench’s role is not a superuser, so it cannot ALTER SYSTEM; have one add pg_stat_statements to shared_preload_libraries and restart PostgreSQL',
      };
    }
    const major = Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10_000);
    const dataDirectory = (await client.query('SHOW data_directory')).rows[0].data_directory;
    restart = await restartCommand(major, dataDirectory);
    if (!restart) {
      return {
        available: false,
        reason: `neither pg_ctlcluster nor pg_ctl was found to restart the cluster in ${dataDirectory}; add pg_stat_statements to shared_preload_libraries and restart PostgreSQL`,
      };
    }
    const wanted = [...preload, 'pg_stat_statements'].join(',');
    await client.query(`ALTER SYSTEM SET shared_preload_libraries = '${wanted}'`);
    restart.undo = preload.length ? `ALTER SYSTEM SET shared_preload_libraries = '${preload.join(',')}'` : 'ALTER SYSTEM RESET shared_preload_libraries';
  } finally {
    await client.end();
  }
  log(`PostgreSQL: pg_stat_statements added to shared_preload_libraries (ALTER SYSTEM); restarting the cluster: ${restart.command.join(' ')}`);
  try {
    await run(restart.command[0], restart.command.slice(1), { timeout: 60_000 });
    await waitForServer(adminUrl);
  } catch (error) {
    await waitForServer(adminUrl).catch(() => undefined);
    const undo = new pg.Client({ connectionString: adminUrl });
    await undo
      .connect()
      .then(() => undo.query(restart.undo))
      .finally(() => undo.end())
      .catch(() => undefined);
    return { available: false, reason: `restarting PostgreSQL failed (${String(error.message).split('\n')[0]}); shared_preload_libraries was put back` };
  }
  return { available: true, restarted: restart.command.join(' ') };
}

async function loadedLibraries(client) {
  const { rows } = await client.query('SHOW shared_preload_libraries');
  return rows[0].shared_preload_libraries
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** Debian's pg_ctlcluster for /var/lib/postgresql/<major>/<cluster>, else pg_ctl on the data directory. */
async function restartCommand(major, dataDirectory) {
  const debian = dataDirectory.match(/\/postgresql\/(\d+)\/([^/]+)\/?$/);
  if (debian && (await found('pg_ctlcluster')))
    return { command: ['pg_ctlcluster', '--skip-systemctl-redirect', '--mode=fast', debian[1], debian[2], 'restart'] };
  const pgCtl = `/usr/lib/postgresql/${major}/bin/pg_ctl`;
  if (await found(pgCtl)) return { command: [pgCtl, 'restart', '-D', dataDirectory, '-m', 'fast', '-w'] };
  return undefined;
}

async function found(command) {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

async function waitForServer(adminUrl) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
