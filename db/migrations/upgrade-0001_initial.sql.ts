export const UPGRADE_SQL = String.raw`SELECT 1;`;
