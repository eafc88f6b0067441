// The image tests leave nothing behind but the two images they are about (the base and the image under
// test): containers, volumes and networks carrying our labels, and the unnamed layer images that this
// run's builds made, go; anything that existed before the run stays.
import { COMPOSE_PROJECT, LABEL, type Podman } from './podman.ts';

const COMPOSE_LABEL = `io.podman.compose.project=${COMPOSE_PROJECT}`;

export async function danglingImages(podman: Podman): Promise<Set<string>> {
  const out = await podman.must(['images', '--quiet', '--no-trunc', '--filter', 'dangling=true']);
  return new Set(out.split('\n').filter(Boolean));
}

/** Removes what this run left; returns a line per kind removed (empty when nothing was left). */
export async function removeLeftovers(podman: Podman, danglingBefore: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const list = async (args: string[]): Promise<string[]> => (await podman.run(args)).stdout.split('\n').filter(Boolean);
  const remove = async (kind: string, ids: string[], rm: string[]): Promise<void> => {
    if (ids.length === 0) return;
    await podman.run([...rm, ...ids], { timeoutMs: 120_000 });
    removed.push(`${ids.length} ${kind}`);
  };
  for (const label of [LABEL, COMPOSE_LABEL]) {
    await remove('containers', await list(['ps', '-a', '--quiet', '--filter', `label=${label}`]), ['rm', '-f', '-t', '0']);
  }
  for (const label of [LABEL, COMPOSE_LABEL]) {
    await remove('volumes', await list(['volume', 'ls', '--quiet', '--filter', `label=${label}`]), ['volume', 'rm', '-f']);
  }
  await remove('networks', await list(['network', 'ls', '--quiet', '--filter', `label=${COMPOSE_LABEL}`]), ['network', 'rm', '-f']);
  const fresh = [...(await danglingImages(podman))].filter((id) => !danglingBefore.has(id));
  await remove('unnamed build images', fresh, ['rmi', '-f']);
  return removed;
}
