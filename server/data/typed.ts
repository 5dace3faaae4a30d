// The run and transform queries the server starts from: all of them (Django's objects.all(), trashed
// ones included) or LaminDB's default scoping (filter(): the main branch only).
import { Run, Transform, type QuerySet } from "../../db/index";

export const runsAll = (): QuerySet<Run> => Run.all();
export const runsScoped = (): QuerySet<Run> => Run.filter({});
export const transformsAll = (): QuerySet<Transform> => Transform.all();
export const transformsScoped = (): QuerySet<Transform> => Transform.filter({});
