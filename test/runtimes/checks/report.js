// A tally that every runtime fills the same way and sends back as JSON: how many checks passed, and
// what each failure was (capped, so a systematic failure does not flood the output).
const MAX_FAILURES = 40;

export function createReport() {
  return {
    passed: 0,
    failed: 0,
    failures: [],
    sections: {},
  };
}

function describeError(e) {
  if (e && typeof e === 'object' && 'message' in e) return `${e.code ?? e.name}: ${e.message}`;
  return String(e);
}

function sectionOf(report, section) {
  report.sections[section] ??= { passed: 0, failed: 0 };
  return report.sections[section];
}

/** Runs one check: it fails when `fn` throws or returns anything but true. */
export function check(report, section, name, fn) {
  let outcome;
  try {
    outcome = fn() === true ? undefined : 'returned false';
  } catch (e) {
    outcome = `threw ${describeError(e)}`;
  }
  if (outcome !== undefined) return fail(report, section, `${name}: ${outcome}`);
  const tally = sectionOf(report, section);
  report.passed++;
  tally.passed++;
  return true;
}

/** Records a failure found outside `check` (e.g. while comparing a whole batch). */
export function fail(report, section, message) {
  const tally = sectionOf(report, section);
  report.failed++;
  tally.failed++;
  if (report.failures.length < MAX_FAILURES) report.failures.push(`${section}: ${message}`);
  return false;
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The error `fn` throws, or undefined when it returns. */
export function thrown(fn) {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}
