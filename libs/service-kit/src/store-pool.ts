/**
 * Store connections one service instance keeps at most, unless `MONGO_URL` sets `maxPoolSize`.
 * FerretDB's SQLite backend serves a database from a pool of 100 connections and stalls when
 * more operations than that are in flight at once; with the driver's default of 100 per client,
 * two instances of each service under load got there (no send answered within 60 s). Ten per
 * instance keeps a dozen instances below it; a deployment on MongoDB raises it in the URL.
 */
export const DEFAULT_STORE_POOL = 10;

/** The driver's pool option for `url`: none when the URL sets its own. */
export function storePoolOptions(url: string): { maxPoolSize?: number } {
  return /[?&]maxPoolSize=/i.test(url) ? {} : { maxPoolSize: DEFAULT_STORE_POOL };
}
