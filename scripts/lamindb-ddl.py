"""Emits the PostgreSQL DDL that Django 5.2's migrate applies for LaminDB's squashed migration.

Usage: python3 scripts/lamindb-ddl.py <lamindb/migrations/0193_squashed.py> <out.ts> [out.json]

The migration module is executed with recording stand-ins for django, lamindb and pgtrigger, so that its
operations come back as plain data; the operations are then replayed with the rules of Django's
PostgreSQL schema editor (column types, identity primary keys, inline UNIQUE, db_default, deferrable
foreign keys, <table>_<columns>_<md5 digest><suffix> names, *_like pattern indexes) and of
django-pgtrigger's install template.
"""

import hashlib
import importlib.abc
import importlib.machinery
import json
import sys
import types

# --- recording stand-ins -------------------------------------------------------------------------


class Rec:
    def __init__(self, path, args, kwargs):
        self.path, self.args, self.kwargs = path, args, kwargs

    @property
    def kind(self):
        return self.path.rsplit(".", 1)[-1]

    def __repr__(self):
        return f"Rec({self.path}, {self.args}, {self.kwargs})"


class Factory:
    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        full = f"{self._path}.{name}"
        return SPECIAL[full] if full in SPECIAL else Factory(full)

    def __call__(self, *args, **kwargs):
        return Rec(self._path, args, kwargs)

    def __repr__(self):
        return f"Factory({self._path})"


class MigrationBase:
    pass


class Connection:
    vendor = "postgresql"


SPECIAL = {
    "django.db.migrations.Migration": MigrationBase,
    "django.db.connection": Connection(),
}


class StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        full = f"{self.__name__}.{name}"
        if full in SPECIAL:
            return SPECIAL[full]
        return Factory(full)


class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    ROOTS = ("django", "lamindb", "pgtrigger")

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in self.ROOTS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        m = StubModule(spec.name)
        m.__path__ = []
        return m

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, Finder())

# --- Django's naming -----------------------------------------------------------------------------

MAX_NAME = 63


def names_digest(*args, length):
    h = hashlib.md5()
    for a in args:
        h.update(a.encode())
    return h.hexdigest()[:length]


def create_index_name(table, columns, suffix=""):
    hash_suffix_part = "%s%s" % (names_digest(table, *columns, length=8), suffix)
    name = "%s_%s_%s" % (table, "_".join(columns), hash_suffix_part)
    if len(name) <= MAX_NAME:
        return name
    if len(hash_suffix_part) > MAX_NAME / 3:
        hash_suffix_part = hash_suffix_part[: MAX_NAME // 3]
    other = (MAX_NAME - len(hash_suffix_part)) // 2 - 1
    name = "%s_%s_%s" % (table[:other], "_".join(columns)[:other], hash_suffix_part)
    if name[0] == "_" or name[0].isdigit():
        name = "D%s" % name[:-1]
    return name


def q(name):
    return f'"{name}"'


# --- model state ---------------------------------------------------------------------------------

DATA_TYPES = {
    "AutoField": "integer",
    "BigAutoField": "bigint",
    "SmallAutoField": "smallint",
    "CharField": "varchar(%(max_length)s)",
    "URLField": "varchar(%(max_length)s)",
    "TextField": "text",
    "BooleanField": "boolean",
    "DateTimeField": "timestamp with time zone",
    "DateField": "date",
    "JSONField": "jsonb",
    "SmallIntegerField": "smallint",
    "IntegerField": "integer",
    "BigIntegerField": "bigint",
}
REL_TYPES = {"AutoField": "integer", "BigAutoField": "bigint", "SmallAutoField": "smallint"}
AUTO = ("AutoField", "BigAutoField", "SmallAutoField")


class Field:
    def __init__(self, name, rec):
        self.name = name
        self.kind = rec.kind
        self.kw = dict(rec.kwargs)
        if self.kind == "URLField":
            self.kw.setdefault("max_length", 200)

    @property
    def is_m2m(self):
        return self.kind == "ManyToManyField"

    @property
    def is_fk(self):
        return self.kind in ("ForeignKey", "OneToOneField")

    @property
    def column(self):
        return f"{self.name}_id" if self.is_fk else self.name

    @property
    def null(self):
        return bool(self.kw.get("null", False))

    @property
    def primary(self):
        return bool(self.kw.get("primary_key", False))

    @property
    def unique(self):
        return self.primary or bool(self.kw.get("unique", False)) or self.kind == "OneToOneField"

    @property
    def db_index(self):
        if self.is_fk:
            return self.kw.get("db_index", True)
        return bool(self.kw.get("db_index", False))

    @property
    def target(self):
        to = self.kw["to"]
        return to.split(".")[-1].lower()


class Model:
    def __init__(self, name, table, managed=True):
        self.name = name
        self.table = table
        self.managed = managed
        self.fields = {}  # name -> Field, in column order
        self.unique_together = set()


class Emitter:
    def __init__(self):
        self.models = {}
        self.tables = []  # creation order
        self.columns = {}  # table -> [column sql]
        self.alter = {}  # table -> [unique and check constraints]
        self.fks = []
        self.indexes = {}  # table -> [CREATE INDEX]
        self.functions = []
        self.checks = []
        self.triggers = []
        self.expect = {}  # table -> description for the JSON output

    def model(self, name):
        return self.models[name.lower()]

    def pk_type(self, model_name):
        m = self.model(model_name)
        pk = next(f for f in m.fields.values() if f.primary)
        return REL_TYPES[pk.kind]

    def db_type(self, f):
        if f.is_fk:
            return self.pk_type(f.target)
        return DATA_TYPES[f.kind] % f.kw

    def default_sql(self, f):
        if "db_default" not in f.kw:
            return None
        d = f.kw["db_default"]
        if isinstance(d, Rec):
            assert d.kind == "Now", d
            return "(STATEMENT_TIMESTAMP())"
        if d is None:
            return "NULL"
        if isinstance(d, bool):
            return "true" if d else "false"
        if isinstance(d, (int, float)):
            return str(d)
        if isinstance(d, str):
            return "'" + d.replace("'", "''") + "'"
        raise ValueError(d)

    def column_sql(self, m, f):
        parts = [self.db_type(f)]
        d = self.default_sql(f)
        if d is not None:
            parts.append(f"DEFAULT {d}")
        parts.append("NULL" if f.null else "NOT NULL")
        if f.primary:
            parts.append("PRIMARY KEY")
        elif f.unique:
            parts.append("UNIQUE")
        if f.kind in AUTO:
            parts.append("GENERATED BY DEFAULT AS IDENTITY")
        return f"{q(f.column)} {' '.join(parts)}"

    def describe_column(self, m, f):
        d = self.default_sql(f)
        return {
            "column": f.column,
            "type": self.db_type(f),
            "null": f.null,
            "default": None if d in (None, "NULL") else d,
            "identity": f.kind in AUTO,
        }

    def field_indexes(self, m, f):
        if f.db_index and not f.unique:
            name = create_index_name(m.table, [f.column])
            self.indexes[m.table].append(f"CREATE INDEX {q(name)} ON {q(m.table)} ({q(f.column)})")
            self.expect[m.table]["indexes"].append({"name": name, "columns": [f.column], "unique": False})
        t = self.db_type(f)
        if (f.db_index or f.unique) and not f.is_fk and (t.startswith("varchar") or t.startswith("text")):
            ops = "varchar_pattern_ops" if t.startswith("varchar") else "text_pattern_ops"
            name = create_index_name(m.table, [f.column], "_like")
            self.indexes[m.table].append(f"CREATE INDEX {q(name)} ON {q(m.table)} ({q(f.column)} {ops})")
            self.expect[m.table]["indexes"].append(
                {"name": name, "columns": [f.column], "unique": False, "opclass": ops}
            )

    def fk(self, m, f):
        target = self.model(f.target)
        suffix = "_fk_%s_%s" % (target.table, "id")
        name = create_index_name(m.table, [f.column], suffix)
        self.fks.append(
            (
                m.table,
                target.table,
                f"CONSTRAINT {q(name)} FOREIGN KEY ({q(f.column)}) "
                f'REFERENCES {q(target.table)} ("id") DEFERRABLE INITIALLY DEFERRED',
            )
        )
        self.expect[m.table]["foreignKeys"].append({"name": name, "column": f.column, "target": target.table})

    def add_column(self, m, f):
        self.columns[m.table].append(self.column_sql(m, f))
        self.expect[m.table]["columns"].append(self.describe_column(m, f))
        if f.unique and not f.primary:
            self.expect[m.table]["uniques"].append({"columns": [f.column], "inline": True})
        if f.is_fk:
            self.fk(m, f)
        self.field_indexes(m, f)

    def create_table(self, m):
        self.tables.append(m.table)
        self.columns[m.table] = []
        self.alter[m.table] = []
        self.indexes[m.table] = []
        self.expect[m.table] = {
            "model": m.name,
            "columns": [],
            "uniques": [],
            "foreignKeys": [],
            "indexes": [],
            "checks": [],
            "triggers": [],
        }
        for f in m.fields.values():
            if not f.is_m2m:
                self.add_column(m, f)
        for f in list(m.fields.values()):
            if f.is_m2m and "through" not in f.kw:
                self.create_auto_through(m, f)

    def create_auto_through(self, m, f):
        to = self.model(f.target)
        from_, to_ = m.name.lower(), to.name.lower()
        if from_ == to_:
            from_, to_ = f"from_{from_}", f"to_{to_}"
        t = Model(f"{m.name}_{f.name}", f"{m.table}_{f.name}")
        t.fields["id"] = Field("id", Rec("BigAutoField", (), {"primary_key": True}))
        t.fields[from_] = Field(from_, Rec("ForeignKey", (), {"to": f"lamindb.{m.name.lower()}"}))
        t.fields[to_] = Field(to_, Rec("ForeignKey", (), {"to": f"lamindb.{to.name.lower()}"}))
        self.models[t.name.lower()] = t
        self.create_table(t)
        self.expect[t.table]["autoThrough"] = True
        self.unique_together(t, (from_, to_))

    def unique_together(self, m, names):
        cols = [m.fields[n].column for n in names]
        name = create_index_name(m.table, cols, "_uniq")
        self.alter[m.table].append(
            f"ALTER TABLE {q(m.table)} ADD CONSTRAINT {q(name)} UNIQUE ({', '.join(map(q, cols))})"
        )
        self.expect[m.table]["uniques"].append({"name": name, "columns": cols})

    def condition_sql(self, m, cond):
        assert cond.kind == "Q" and len(cond.args) == 1 and not cond.kwargs, cond
        (lookup, value), = cond.args
        field, op = lookup.split("__")
        assert op == "isnull"
        col = m.fields[field].column
        return f"{q(col)} IS {'NULL' if value else 'NOT NULL'}"

    def add_constraint(self, m, c):
        kw = c.kwargs
        name = kw["name"]
        if c.kind == "UniqueConstraint":
            if c.args:  # expressions
                (expr,) = c.args
                assert expr.kind == "Lower", expr
                (col,) = expr.args
                self.indexes[m.table].append(
                    f"CREATE UNIQUE INDEX {q(name)} ON {q(m.table)} ((LOWER({q(col)})))"
                )
                self.expect[m.table]["indexes"].append(
                    {"name": name, "expression": f"lower({col})", "unique": True}
                )
                return
            cols = [m.fields[n].column for n in kw["fields"]]
            if "condition" in kw:
                cond = self.condition_sql(m, kw["condition"])
                self.indexes[m.table].append(
                    f"CREATE UNIQUE INDEX {q(name)} ON {q(m.table)} ({', '.join(map(q, cols))}) WHERE {cond}"
                )
                self.expect[m.table]["indexes"].append(
                    {"name": name, "columns": cols, "unique": True, "where": cond}
                )
            else:
                self.alter[m.table].append(
                    f"ALTER TABLE {q(m.table)} ADD CONSTRAINT {q(name)} UNIQUE ({', '.join(map(q, cols))})"
                )
                self.expect[m.table]["uniques"].append({"name": name, "columns": cols})
        elif c.kind == "CheckConstraint":
            cond = kw.get("condition") or kw.get("check")
            assert cond.kind == "Q" and cond.kwargs.get("_connector") == "OR", cond
            parts = []
            for lookup, value in cond.args:
                if lookup.endswith("__isnull"):
                    col = m.fields[lookup[: -len("__isnull")]].column
                    parts.append(f"{q(col)} IS {'NULL' if value else 'NOT NULL'}")
                else:
                    col = m.fields[lookup].column
                    parts.append(f"{q(col)}" if value is True else f"{q(col)} = {value}")
            sql = " OR ".join(parts)
            self.alter[m.table].append(f"ALTER TABLE {q(m.table)} ADD CONSTRAINT {q(name)} CHECK ({sql})")
            self.expect[m.table]["checks"].append({"name": name, "sql": sql})
        else:
            raise ValueError(c)

    def run(self, ops, module):
        for op in ops:
            k = op.kind
            kw = op.kwargs
            if k == "CreateModel":
                options = kw.get("options", {})
                table = options.get("db_table", f"lamindb_{kw['name'].lower()}")
                m = Model(kw["name"], table, options.get("managed", True))
                for name, rec in kw["fields"]:
                    m.fields[name] = Field(name, rec)
                self.models[m.name.lower()] = m
                if not m.managed:
                    continue
                self.create_table(m)
                for ut in options.get("unique_together", ()):
                    m.unique_together.add(tuple(ut))
                    self.unique_together(m, ut)
                for c in options.get("constraints", ()):
                    self.add_constraint(m, c)
                assert not options.get("indexes"), options
            elif k == "AddField":
                m = self.model(kw["model_name"])
                f = Field(kw["name"], kw["field"])
                m.fields[f.name] = f
                if f.is_m2m:
                    if "through" not in f.kw:
                        self.create_auto_through(m, f)
                else:
                    self.add_column(m, f)
            elif k == "AlterUniqueTogether":
                m = self.model(kw["name"])
                new = {tuple(x) for x in kw["unique_together"]}
                assert m.unique_together <= new, (m.name, m.unique_together, new)
                for ut in sorted(new - m.unique_together):
                    self.unique_together(m, ut)
                m.unique_together = new
            elif k == "AddConstraint":
                self.add_constraint(self.model(kw["model_name"]), kw["constraint"])
            elif k == "RunPython":
                (fn,) = op.args

                class Editor:
                    connection = Connection()

                    def execute(editor, sql, params=None):
                        self.functions.append(sql.strip())

                fn(None, Editor())
            elif k == "AddTrigger":
                m = self.model(kw["model_name"])
                trig = kw["trigger"]
                sql = trig.kwargs["sql"]
                self.triggers.append(install_trigger_sql(sql.kwargs))
                self.expect[m.table]["triggers"].append(
                    {"name": sql.kwargs["pgid"], "hash": sql.kwargs["hash"]}
                )
            else:
                raise ValueError(f"unhandled operation {k}")


def install_trigger_sql(kw):
    """django-pgtrigger's install template (UpsertTriggerSql, v1) with its defaults, filled in.

    Returns the trigger's function, the trigger and its hash comment. The template's shared
    "public"._pgtrigger_should_ignore() is emitted once (IGNORE_FUNCTION), and its
    DROP TRIGGER IF EXISTS is left out: the tables are new.
    """
    pgid = kw["pgid"]
    args = {
        "declare": "",
        "constraint": "",
        "timing": "",
        "referencing": "",
        "level": "ROW",
        "condition": "",
        "execute": f"{pgid}()",
    }
    args.update({k: str(v) for k, v in kw.items() if k != "hash"})
    table = q(kw["table"])
    function = f"""CREATE OR REPLACE FUNCTION {pgid}()
RETURNS TRIGGER AS $$
    {args["declare"]}
    BEGIN
        IF ("public"._pgtrigger_should_ignore(TG_NAME) IS TRUE) THEN
            IF (TG_OP = 'DELETE') THEN
                RETURN OLD;
            ELSE
                RETURN NEW;
            END IF;
        END IF;
        {args["func"]}
    END;
$$ LANGUAGE plpgsql;"""
    trigger = " ".join(
        x
        for x in [
            f"CREATE {args['constraint']}".strip(),
            f"TRIGGER {pgid}",
            f"{args['when']} {args['operation']} ON {table}",
            args["timing"],
            args["referencing"],
            f"FOR EACH {args['level']} {args['condition']}".strip(),
            f"EXECUTE PROCEDURE {args['execute']};",
        ]
        if x
    )
    comment = f"COMMENT ON TRIGGER {pgid} ON {table} IS '{kw['hash']}';"
    return f"{function}\n{trigger}\n{comment}"


IGNORE_FUNCTION = """CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(
    trigger_name NAME
)
RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
        _result BOOLEAN;
    BEGIN
        BEGIN
            SELECT INTO _pgtrigger_ignore
                CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        IF _pgtrigger_ignore IS NOT NULL THEN
            SELECT trigger_name = ANY(_pgtrigger_ignore)
            INTO _result;
            RETURN _result;
        ELSE
            RETURN FALSE;
        END IF;
    END;
$$ LANGUAGE plpgsql;"""

# Django's MigrationRecorder creates django_migrations before the first migration runs; its model
# takes DEFAULT_AUTO_FIELD (BigAutoField in lamindb-setup's settings) for its primary key.
DJANGO_MIGRATIONS_TABLE = """CREATE TABLE "django_migrations" (
  "id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
  "app" varchar(255) NOT NULL,
  "name" varchar(255) NOT NULL,
  "applied" timestamp with time zone NOT NULL
);"""

# lamindb-setup's register_initial_records(): the space, the anonymous user (the user who creates
# the instance), the trash, archive and main branches. The storage row depends on where the
# instance lives and is written by the code that creates it (db/migrations/initial-records.ts).
SEEDS = """INSERT INTO "lamindb_space" ("uid", "name", "description")
  VALUES ('aaaaaaaaaaaa', 'all', 'Every team & user with access to the instance has access.');
INSERT INTO "lamindb_user" ("uid", "handle", "name") VALUES ('00000000', 'anonymous', NULL);
INSERT INTO "lamindb_branch" ("id", "uid", "name", "description", "created_by_id")
  VALUES (-1, 'tttttttttttt', 'trash', 'The trash.', 1), (0, 'aaaaaaaaaaaa', 'archive', 'The archive.', 1);
INSERT INTO "lamindb_branch" ("uid", "name", "description", "created_by_id")
  VALUES ('mmmmmmmmmmmm', 'main', 'The main & default branch of the instance.', 1);"""


def creation_order(e):
    """Tables in an order where most foreign keys point to tables created before them.

    Constraints declared in CREATE TABLE need no validation scan, which makes creating the schema
    about a quarter faster on PGlite than Django's ALTER TABLE ... ADD CONSTRAINT; the catalog is the
    same. The few foreign keys of reference cycles (Run and Artifact point to each other) follow.
    """
    targets = {t: [to for frm, to, _ in e.fks if frm == t and to != t] for t in e.tables}
    created, order, pending = set(), [], list(e.tables)
    while pending:
        missing = [sum(1 for to in targets[t] if to not in created) for t in pending]
        t = pending.pop(missing.index(min(missing)))
        order.append(t)
        created.add(t)
    return order


def sql_text(e, recorded):
    out = ["-- Django's migration bookkeeping", DJANGO_MIGRATIONS_TABLE, ""]
    created, late = set(), []
    for t in creation_order(e):
        inline = [c.split(" ADD ", 1)[1] for c in e.alter[t]]
        for frm, to, clause in e.fks:
            if frm != t:
                continue
            if to == t or to in created:
                inline.append(clause)
            else:
                late.append(f"ALTER TABLE {q(t)} ADD {clause};")
        created.add(t)
        out.append(f"-- {e.expect[t]['model']}")
        out.append(f"CREATE TABLE {q(t)} (\n  " + ",\n  ".join(e.columns[t] + inline) + "\n);")
        out.extend(s + ";" for s in e.indexes[t])
        out.append("")
    out.append("-- Foreign keys within reference cycles, once both tables exist. No foreign key has an")
    out.append("-- ON DELETE: LaminDB's ORM applies on_delete; the database only checks, at commit.")
    out.extend(late)
    out.append("")
    out.append("-- RunPython(apply_constraints): type checks")
    out.extend(e.functions)
    out.append("")
    out.append("-- django-pgtrigger triggers")
    out.append(IGNORE_FUNCTION)
    out.extend(e.triggers)
    out.append("")
    out.append("-- What migrate records: each migration the squashed one replaces, then the squashed one")
    values = ",\n  ".join(f"('{app}', '{name}', clock_timestamp())" for app, name in recorded)
    out.append(f'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES\n  {values};')
    out.append("")
    out.append("-- lamindb-setup's initial records")
    out.append(SEEDS)
    return "\n".join(out) + "\n"


def main():
    src, out_ts = sys.argv[1:3]
    out_json = sys.argv[3] if len(sys.argv) > 3 else None
    ns = {"__name__": "lamindb.migrations.squashed"}
    exec(compile(open(src).read(), src, "exec"), ns)
    migration = ns["Migration"]
    e = Emitter()
    e.run(migration.operations, ns)
    # Django 5.2 records each replaced migration when it applies a squashed one, then
    # check_replacements() records the squashed migration itself.
    squashed = src.rsplit("/", 1)[-1].removesuffix(".py")
    recorded = [tuple(x) for x in migration.replaces] + [("lamindb", squashed)]
    sql = sql_text(e, recorded)
    assert "`" not in sql and "${" not in sql, "the SQL must fit a String.raw template"
    with open(out_ts, "w") as fh:
        fh.write(
            "// LaminDB's schema as Django 5.2 lays it out on PostgreSQL for LaminDB's squashed migration\n"
            f"// {squashed} ({len(e.tables)} tables), the rows migrate leaves in django_migrations, and the\n"
            "// initial records lamindb-setup writes. A frozen snapshot: generated once by\n"
            "// scripts/lamindb-ddl.py from lamindb/migrations/" + squashed + ".py and never edited; later\n"
            "// changes are new migrations. test/db/schema.test.ts checks it against LaminDB's listing.\n\n"
            f'export const LAMINDB_MIGRATION = "{squashed}";\n\n'
            "/** The django_migrations rows, in the order Django records them. */\n"
            "export const DJANGO_MIGRATIONS: ReadonlyArray<readonly [app: string, name: string]> = [\n"
            + "".join(f'  ["{a}", "{n}"],\n' for a, n in recorded)
            + "];\n\n"
            f"export const TABLES = {len(e.tables)};\n\n"
            "export const SQL = String.raw`\n" + sql + "`;\n"
        )
    if out_json:
        with open(out_json, "w") as fh:
            json.dump({"tables": e.tables, "expect": e.expect, "recorded": recorded}, fh, indent=1)
    print(
        f"{len(e.tables)} tables, {len(e.fks)} foreign keys, "
        f"{sum(map(len, e.indexes.values()))} indexes, {len(e.triggers)} triggers"
    )


main()
