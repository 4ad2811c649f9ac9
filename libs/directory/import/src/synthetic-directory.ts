import { mulberry32, pick, type Random } from './prng';
import { LEVEL2_UNITS, LEVEL3_UNITS, LEVEL4_UNITS, MINISTRIES, PARTY_BODIES, PLACES } from './synthetic-names';

/** One generated agency, as a CSV row of the synthetic directory. */
export interface SyntheticAgency {
  readonly code: string;
  readonly name: string;
  readonly inCharge: string;
  readonly email: string;
}

/** Options of {@link generateSyntheticDirectory}. */
export interface SyntheticDirectoryOptions {
  /** Exact number of agencies (a non-negative integer). */
  readonly count: number;
  /** PRNG seed; same seed, same output. Default 1. */
  readonly seed?: number;
}

/** Domain of the generated emails (`<code>@synthetic.vdx.test`). */
export const SYNTHETIC_EMAIL_DOMAIN = 'synthetic.vdx.test';

// Level-1 units in the order they are used: ministries G01–G30, provinces H01–H99, provincial
// councils K01–K99, Party bodies A01–A99, then the other letters.
const LEVEL1_POOL: readonly string[] = [
  ...range(30).map((n) => `G${pad(n, 2)}`),
  ...['H', 'K', 'A', ...'BCDEFIJLMNOPQRSTUVWXYZ'].flatMap((letter) => range(99).map((n) => `${letter}${pad(n, 2)}`)),
];
const MAX_CHILDREN: Readonly<Record<2 | 3 | 4, number>> = { 2: 99, 3: 99, 4: 999 };
// Roughly one level-1 unit per 500 agencies, and 10 % / 30 % / 60 % of the rest at levels 2 / 3 / 4.
const AGENCIES_PER_LEVEL1 = 500;
const SHARE_LEVEL2 = 0.1;
const SHARE_LEVEL3 = 0.3;

interface Node {
  readonly l1: string;
  readonly l2: number;
  readonly l3: number;
  readonly l4: number;
  readonly place: string;
}

/**
 * A deterministic synthetic national directory of exactly `count` agencies over four levels:
 * valid unique codes, parents always before their children (level by level), Vietnamese names,
 * `inCharge` a place shared by a level-1 unit's subtree, email `<code>@synthetic.vdx.test`.
 * Throws `RangeError` for a count that is not a non-negative integer.
 */
export function generateSyntheticDirectory(opts: SyntheticDirectoryOptions): SyntheticAgency[] {
  const { count } = opts;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const random = mulberry32(opts.seed ?? 1);
  const [n1, n2, n3, n4] = levelCounts(count);

  const level1: Node[] = LEVEL1_POOL.slice(0, n1).map((l1) => ({ l1, l2: 0, l3: 0, l4: 0, place: pick(random, PLACES) }));
  const level2 = children(random, level1, n2, 2);
  const level3 = children(random, level2, n3, 3);
  const level4 = children(random, level3, n4, 4);

  const out: SyntheticAgency[] = [];
  for (const node of level1) out.push(agency(node, level1Name(random, node.l1)));
  for (const node of level2) out.push(agency(node, `${pick(random, LEVEL2_UNITS)} ${level2Scope(node.l1)}`));
  for (const node of level3) out.push(agency(node, `${pick(random, LEVEL3_UNITS)} huyện ${node.l2}`));
  for (const node of level4) out.push(agency(node, `${pick(random, LEVEL4_UNITS)} ${node.l3}`));
  return out;
}

/** How many agencies each level gets for `count` agencies in all. */
export function levelCounts(count: number): [number, number, number, number] {
  if (count === 0) return [0, 0, 0, 0];
  const n1 = Math.min(LEVEL1_POOL.length, count, Math.max(1, Math.ceil(count / AGENCIES_PER_LEVEL1)));
  const rest = count - n1;
  const n2 = rest === 0 ? 0 : clamp(Math.round(rest * SHARE_LEVEL2), 1, Math.min(rest, n1 * MAX_CHILDREN[2]));
  const n3 = rest - n2 === 0 ? 0 : clamp(Math.round(rest * SHARE_LEVEL3), 1, Math.min(rest - n2, n2 * MAX_CHILDREN[3]));
  const n4 = rest - n2 - n3;
  if (n4 > n3 * MAX_CHILDREN[4]) throw new RangeError(`count ${count} does not fit the four-level code space`);
  return [n1, n2, n3, n4];
}

// Spreads `count` children at `level` randomly over `parents` (at most MAX_CHILDREN each) and
// numbers each parent's children 1, 2, …; the result is ordered by parent, then number.
function children(random: Random, parents: readonly Node[], count: number, level: 2 | 3 | 4): Node[] {
  if (count === 0) return [];
  const cap = MAX_CHILDREN[level];
  const perParent = new Array<number>(parents.length).fill(0);
  for (let i = 0; i < count; i++) {
    let index = Math.floor(random() * parents.length);
    while ((perParent[index] ?? cap) >= cap) index = (index + 1) % parents.length;
    perParent[index] = (perParent[index] ?? 0) + 1;
  }
  const out: Node[] = [];
  parents.forEach((parent, index) => {
    for (let n = 1; n <= (perParent[index] ?? 0); n++) {
      out.push({
        ...parent,
        l2: level === 2 ? n : parent.l2,
        l3: level === 3 ? n : parent.l3,
        l4: level === 4 ? n : parent.l4,
      });
    }
  });
  return out;
}

function agency(node: Node, name: string): SyntheticAgency {
  const code = `${pad(node.l4, 3)}.${pad(node.l3, 2)}.${pad(node.l2, 2)}.${node.l1}`;
  return { code, name, inCharge: node.place, email: `${code}@${SYNTHETIC_EMAIL_DOMAIN}` };
}

function level1Name(random: Random, l1: string): string {
  const letter = l1.charAt(0);
  const number = Number(l1.slice(1));
  switch (letter) {
    case 'G':
      return `Bộ ${pick(random, MINISTRIES)} ${number}`;
    case 'H':
      return `Ủy ban nhân dân tỉnh ${number}`;
    case 'K':
      return `Hội đồng nhân dân tỉnh ${number}`;
    default:
      return `${pick(random, PARTY_BODIES)} khối ${letter} ${number}`;
  }
}

function level2Scope(l1: string): string {
  const letter = l1.charAt(0);
  const number = Number(l1.slice(1));
  return letter === 'H' || letter === 'K' ? `tỉnh ${number}` : `khối ${letter} ${number}`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
