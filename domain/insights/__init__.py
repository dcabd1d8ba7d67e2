"""Insights: the record of how change reached production, turned into the numbers that drive
improvement, each figure explainable down to the rows that make it.

One change ledger of every production change (`ledger_*`), DORA's four keys over it
(`dora_*`), cycle time and the value stream (`stream_*`), quarterly maturity assessments
(`maturity_*`) and policy proposals from retrospectives that become guardrail or risk-model
changes (`policy_*`). The context sits above postrelease: it reads every lower context through
its facts and changes controls only through their own use cases; nothing below it knows it
exists.
"""
