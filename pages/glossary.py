"""Glossary: every acronym and term, and every indicator, in plain English."""

import pandas as pd
import streamlit as st

from metrics.outputs.formatting import POLARITY_WORDS, UNIT_WORDS
from metrics.outputs.glossary import ANNEX_A_RULES, TERMS, search
from ui.display import downloads, plain
from ui.frame import page_frame

frame = page_frame(
    "Glossary",
    "What the acronyms and terms mean, and how each indicator is defined. Type a word to search both.",
)
catalogue = frame.performance.indicators

query = st.text_input("Search", key="glossary.search", placeholder="for example MASH, visits or working days")

st.subheader("Terms and acronyms")
terms = search(TERMS, query)
if not terms:
    st.info("No term matches that search.")
else:  # a paragraph each, sent as one piece of text
    st.markdown("\n\n".join(f"**{plain(term)}**: {plain(terms[term])}" for term in sorted(terms, key=str.lower)))

st.subheader("How a snapshot built from Annex A counts")
rules = search(ANNEX_A_RULES, query)
if not rules:
    st.info("No Annex A rule matches that search.")
else:
    st.markdown(
        "\n\n".join(
            f"**{plain(rule.removeprefix('Annex A: ').capitalize())}**: {plain(meaning)}"
            for rule, meaning in rules.items()
        )
    )

st.subheader("Indicators")
indicators = pd.DataFrame(
    {
        "Indicator": catalogue["name"],
        "Area": catalogue["area"],
        "What it measures": catalogue["definition"],
        "Unit": catalogue["unit"].map(UNIT_WORDS),
        "Which way is better": catalogue["polarity"].map(POLARITY_WORDS),
        "Source": catalogue["source"].fillna(""),
    }
).reset_index(drop=True)
if query:
    text = indicators.apply(lambda row: " ".join(row.astype(str)).lower(), axis=1)
    indicators = indicators[[all(word in line for word in query.lower().split()) for line in text]]
st.dataframe(
    indicators,
    hide_index=True,
    key="glossary.indicators",
    alt="Every indicator with its definition",
    column_config={"What it measures": st.column_config.TextColumn(width="large")},
)
downloads(indicators, "indicator_definitions", "glossary.download", "the definitions")
