// What the figures were measured on: the CPU as lscpu names it, the cores, Node, and how loaded the
// machine was (load average at the start and at the end of the run).
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

function lscpuModel() {
  try {
    const text = execFileSync('lscpu', { encoding: 'utf8' });
    const field = (name) => text.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'))?.[1]?.trim();
    const model = field('Model name');
    const hypervisor = field('Hypervisor vendor');
    return hypervisor ? `${model} (${hypervisor} guest)` : model;
  } catch {
    return cpus()[0]?.model;
  }
}

export function machine() {
  return {
    cpu: lscpuModel() ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

export function loadNow() {
  return loadavg().map((l) => Number(l.toFixed(2)));
}
