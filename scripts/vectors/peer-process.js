/**
 * What every peer runner shares: running a probe command quietly, the Debian version of the package a
 * peer comes from, and a peer that answers one JSON request per process over stdin/stdout.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** The command's trimmed stdout, or undefined when it cannot run or fails. */
export function quiet(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    }).trim();
  } catch {
    return undefined;
  }
}

/** The installed version of a Debian package, or 'unknown'. */
export function debianVersion(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format, not a template
  return quiet('dpkg-query', ['-W', '-f', '${Version}', pkg]) ?? 'unknown';
}

/** A peer that reads one JSON request on stdin and writes one JSON answer on stdout, then exits. */
export function childPeer(name, version, command, args, cwd) {
  return {
    name,
    version,
    run(request) {
      const r = spawnSync(command, args, {
        input: JSON.stringify(request),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        cwd,
      });
      if (r.status !== 0) {
        throw new Error(`${name} peer failed (status ${r.status}): ${r.stderr || r.error}`);
      }
      return JSON.parse(r.stdout);
    },
  };
}
