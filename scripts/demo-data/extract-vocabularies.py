#!/usr/bin/python3
# Derives server/demo/vocabularies.json, the demo registry's real vocabularies, from two Debian packages:
#   r-bioc-go.db 3.16.0 (the Gene Ontology, release 2022-07-01; CC BY 4.0, geneontology.org)
#   r-bioc-org.hs.eg.db 3.16.0 (NCBI Entrez Gene for Homo sapiens, 2022-09-12, with GO annotations)
# Reproduce (no install needed; only the npm registry and Debian's mirror are reachable here):
#   apt-get download r-bioc-go.db r-bioc-org.hs.eg.db
#   for f in *.deb; do dpkg-deb -x "$f" x; done
#   /usr/bin/python3 scripts/demo-data/extract-vocabularies.py x > server/demo/vocabularies.json
# Cell types: the cell types GO names in its "<cell type> differentiation" processes (the descendants of
# "cell differentiation", GO:0030154), each with the definition of that process.
# Genes: the 2,000 protein-coding human genes with the most GO biological-process annotations (the
# best-studied ones), and the PBMC marker genes the examples use, by symbol, with their full name and
# Entrez Gene id.
import json
import re
import sqlite3
import sys
from pathlib import Path

root = Path(sys.argv[1])
go = sqlite3.connect(root / "usr/lib/R/site-library/GO.db/extdata/GO.sqlite")
hs = sqlite3.connect(root / "usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite")

(parent,) = go.execute("SELECT _id FROM go_term WHERE go_id = 'GO:0030154'").fetchone()
cell_types = {}
for go_id, term, definition in go.execute(
    "SELECT t.go_id, t.term, t.definition FROM go_bp_offspring o JOIN go_term t ON t._id = o._offspring_id "
    "WHERE o._id = ? ORDER BY t.go_id",
    (parent,),
):
    m = re.fullmatch(r"(.+?) differentiation", term)
    if not m or re.search(r"regulation|involved in|commitment|fate|\bof\b|\bin\b|during|/", term):
        continue
    name = m.group(1)
    if len(name) > 60 or name in cell_types:
        continue
    cell_types[name] = {"name": name, "go_id": go_id, "process": term, "definition": definition}

genes = [
    {"symbol": symbol, "name": name, "entrez_id": int(gene_id)}
    for symbol, name, gene_id, _ in hs.execute(
        "SELECT i.symbol, i.gene_name, g.gene_id, COUNT(DISTINCT b.go_id) AS n "
        "FROM genes g JOIN gene_info i ON i._id = g._id JOIN genetype t ON t._id = g._id "
        "JOIN go_bp b ON b._id = g._id WHERE t.gene_type = 'protein-coding' "
        "GROUP BY g._id ORDER BY n DESC, i.symbol LIMIT 2000"
    )
]
# plus the PBMC marker genes of the examples (Seurat's and scanpy's PBMC 3k tutorials), whatever their rank
MARKERS = ["CD3E", "CD19", "MS4A1", "CD8A", "CD14", "LYZ", "NKG7", "GNLY", "FCGR3A", "PPBP", "IL7R", "CCR7", "FCER1A", "CST3"]
have = {g["symbol"] for g in genes}
for symbol, name, gene_id in hs.execute(
    f"SELECT i.symbol, i.gene_name, g.gene_id FROM genes g JOIN gene_info i ON i._id = g._id "
    f"WHERE i.symbol IN ({','.join('?' * len(MARKERS))})",
    MARKERS,
):
    if symbol not in have:
        genes.append({"symbol": symbol, "name": name, "entrez_id": int(gene_id)})
genes.sort(key=lambda g: g["symbol"])

json.dump(
    {
        "provenance": {
            "cell_types": "Gene Ontology release 2022-07-01 (go-basic.obo) as packaged in Debian's r-bioc-go.db "
            "3.16.0: the cell types named by the descendants of GO:0030154 'cell differentiation' "
            "('<cell type> differentiation'), with that process's definition.",
            "genes": "NCBI Entrez Gene (Homo sapiens, 2022-09-12) as packaged in Debian's r-bioc-org.hs.eg.db "
            "3.16.0: the 2,000 protein-coding genes with the most GO biological-process annotations, and "
            "the PBMC marker genes of Seurat's and scanpy's PBMC 3k tutorials.",
            "licences": "Gene Ontology: CC BY 4.0 (the Gene Ontology Consortium). NCBI Gene: NCBI places no "
            "restrictions on the use or distribution of its data. Debian packaging: Artistic-2.0.",
            "derived_by": "scripts/demo-data/extract-vocabularies.py",
        },
        "cell_types": list(cell_types.values()),
        "genes": genes,
    },
    sys.stdout,
    indent=0,
    ensure_ascii=False,
)
sys.stdout.write("\n")
