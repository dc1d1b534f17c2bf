// The page script for Chromium, bundled with the `browser` condition: the driver calls
// runRuntimeChecks(vectorFiles) through the DevTools protocol.
import { runChecks } from './checks.js';

globalThis.runRuntimeChecks = async (vectorFiles) => {
  const report = await runChecks({ vectorFiles, now: () => performance.now() });
  report.runtime = navigator.userAgent;
  return report;
};
