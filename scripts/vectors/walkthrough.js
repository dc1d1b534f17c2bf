export function buildWalkthrough() {
  return { confirmedBy: [] };
}
