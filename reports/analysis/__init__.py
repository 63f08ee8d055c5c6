"""The ВПР analysis of a campaign (SPEC §2.6, docs/vpr-analysis.md): numbers, thresholds and sample sizes, never a
verdict. `vpr` computes it in SQL; the page (`views`) and the `vpr_analysis` command show the same dictionary."""
