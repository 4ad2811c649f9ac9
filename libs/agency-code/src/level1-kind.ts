/**
 * What kind of body a level-1 code names, from its letter (QCVN 102:2016):
 * - `government`: `G` — ministries and government agencies (G01 … G22 VPCP … G28);
 * - `provincial-people-committee`: `H` — provincial People's Committees (H53 Tây Ninh);
 * - `provincial-people-council`: `K` — provincial People's Councils (same number as the province);
 * - `party-or-other`: `A` and any other letter — Party and other bodies.
 */
export type Level1Kind =
  | 'government'
  | 'provincial-people-committee'
  | 'provincial-people-council'
  | 'party-or-other';

/** The {@link Level1Kind} of a level-1 letter (`'G'`, `'H'`, …). */
export function level1KindOf(letter: string): Level1Kind {
  switch (letter) {
    case 'G':
      return 'government';
    case 'H':
      return 'provincial-people-committee';
    case 'K':
      return 'provincial-people-council';
    default:
      // The standard only names A (Party); other letters exist for other bodies, same bucket.
      return 'party-or-other';
  }
}
