"""The report's parts by role: collect, analysis, render, plots
(:mod:`superpos_formal.report` runs them in order and writes the files)."""
