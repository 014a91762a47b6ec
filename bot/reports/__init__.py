"""The programme board report pack: what a board tables for one plan over a month or a quarter. The read model
(`pack.py`) knows nothing of how the pack is drawn; `pdf.py` and `xlsx.py` render it, `charts.py` draws its
pictures. No chat platform appears here: the CLI, the dashboard and the scheduler each deliver it."""
