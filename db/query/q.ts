// Q objects: filter expressions combined with and, or and not, as Django's Q(...) & Q(...) | ~Q(...).
export type Expressions = Record<string, unknown>;

export type QNode =
  | { kind: "leaf"; key: string; value: unknown }
  | { kind: "feature"; key: string; value: unknown } // a feature name (Run.filter({ experiment: "x" }))
  | { kind: "and" | "or"; children: QNode[] }
  | { kind: "not"; child: QNode };

export class QObject {
  constructor(readonly node: QNode) {}
  and(...others: Array<QObject | Expressions>): QObject {
    return new QObject({ kind: "and", children: [this.node, ...others.map(toNode)] });
  }
  or(...others: Array<QObject | Expressions>): QObject {
    return new QObject({ kind: "or", children: [this.node, ...others.map(toNode)] });
  }
  not(): QObject {
    return new QObject({ kind: "not", child: this.node });
  }
}

/** Q({ name__startswith: "a" }).or(Q({ name: "b" })).not() */
export function Q(expressions: Expressions = {}): QObject {
  return new QObject(toNode(expressions));
}

export function toNode(x: QObject | Expressions): QNode {
  if (x instanceof QObject) return x.node;
  if (x === null || typeof x !== "object" || Array.isArray(x)) {
    throw new TypeError("filter() takes Q objects and objects of field lookups");
  }
  return { kind: "and", children: Object.entries(x).map(([key, value]) => ({ kind: "leaf", key, value })) };
}

export function leafKeys(node: QNode): string[] {
  switch (node.kind) {
    case "leaf":
    case "feature":
      return [node.key];
    case "not":
      return leafKeys(node.child);
    default:
      return node.children.flatMap(leafKeys);
  }
}
