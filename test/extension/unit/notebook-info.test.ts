import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  buildNotebookInfo,
  CELL_SEPARATOR,
  findTitle,
  laminKey,
} from "../../../extension/tracking/notebook-info";

describe("buildNotebookInfo", () => {
  const nb = {
    uri: "file:///ws/notebooks/qc.ipynb",
    key: "notebooks/qc.ipynb",
    cells: [
      { kind: "markup" as const, languageId: "markdown", text: "Intro\n# Quality control\n\nmore" },
      {
        kind: "code" as const,
        languageId: "python",
        text: "alpha = 0.5\nname = 'pbmc'\n",
        metadata: { metadata: { tags: ["parameters"] } },
      },
      { kind: "markup" as const, languageId: "markdown", text: "# Not the title" },
      { kind: "code" as const, languageId: "python", text: "import lamindb as ln\n\n\n" },
    ],
    metadata: {
      metadata: {
        kernelspec: { name: "python3", display_name: "Python 3 (ipykernel)", language: "python" },
        language_info: { name: "python", version: "3.12.4" },
      },
    },
  };

  it("key, source of the code cells, title, params, kernel", () => {
    assert.deepEqual(buildNotebookInfo(nb), {
      uri: nb.uri,
      key: "notebooks/qc.ipynb",
      source: `alpha = 0.5\nname = 'pbmc'${CELL_SEPARATOR}import lamindb as ln`,
      title: "Quality control",
      paramsSource: "alpha = 0.5\nname = 'pbmc'\n",
      kernel: { id: "python3", name: "Python 3 (ipykernel)", language: "python", version: "3.12.4" },
    });
  });

  it("reads older (custom.metadata) and flat metadata layouts; no params without a tagged cell", () => {
    const info = buildNotebookInfo({
      uri: "u",
      key: "k",
      cells: [
        {
          kind: "code",
          languageId: "python",
          text: "x = 1",
          metadata: { custom: { metadata: { tags: ["parameters"] } } },
        },
      ],
      metadata: { kernelspec: { name: "ir" }, language_info: { name: "R" } },
    });
    assert.equal(info.paramsSource, "x = 1");
    assert.deepEqual(info.kernel, { id: "ir", name: "ir", language: "R" });
    const plain = buildNotebookInfo({
      uri: "u",
      key: "k",
      cells: [{ kind: "code", languageId: "python", text: "x = 1" }],
    });
    assert.equal(plain.paramsSource, undefined);
    assert.equal(plain.kernel, undefined);
    assert.equal(plain.title, undefined);
  });

  it("the same cells give the same source, an edit changes it", () => {
    const a = buildNotebookInfo(nb).source;
    const b = buildNotebookInfo({ ...nb, cells: nb.cells.map((c) => ({ ...c })) }).source;
    assert.equal(a, b);
    const edited = buildNotebookInfo({
      ...nb,
      cells: [...nb.cells, { kind: "code", languageId: "python", text: "print(1)" }],
    }).source;
    assert.notEqual(a, edited);
  });

  it("findTitle strips closing hashes", () => {
    assert.equal(
      findTitle([{ kind: "markup", languageId: "markdown", text: "# My analysis ##" }]),
      "My analysis",
    );
    assert.equal(findTitle([{ kind: "markup", languageId: "markdown", text: "## Sub only" }]), undefined);
  });
});

describe("laminKey (LaminDB's key convention, lamindb.tracking.notebookKey = lamindb)", () => {
  it("is the path relative to dev_dir for a notebook inside it, else the bare file name", () => {
    assert.equal(laminKey("/home/u/proj/analysis/qc.ipynb", "/home/u/proj"), "analysis/qc.ipynb");
    assert.equal(laminKey("/home/u/proj/analysis/qc.ipynb", "/home/u/proj/"), "analysis/qc.ipynb");
    assert.equal(laminKey("/home/u/other/qc.ipynb", "/home/u/proj"), "qc.ipynb");
    assert.equal(laminKey("/home/u/project2/qc.ipynb", "/home/u/proj"), "qc.ipynb");
    assert.equal(laminKey("/home/u/proj/analysis/qc.ipynb", undefined), "qc.ipynb");
    assert.equal(laminKey("C:\\work\\proj\\nb\\qc.ipynb", "C:\\work\\proj"), "nb/qc.ipynb");
  });
});
