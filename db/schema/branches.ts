// The branches every instance is seeded with (LaminDB's Branch rows): records live on main, the
// archive and the trash hide them from default queries.
export const MAIN_BRANCH_ID = 1;
export const ARCHIVE_BRANCH_ID = 0;
export const TRASH_BRANCH_ID = -1;
