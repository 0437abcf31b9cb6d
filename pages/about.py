"""About this service: the accessibility statement, privacy and cookies, and who to contact."""

from datetime import date

import pandas as pd
import streamlit as st

from metrics.core.settings import CONTACT_EMAIL, STATEMENT_DATE
from metrics.core.version import version
from metrics.snapshot.reading import DEMO_COUNCIL, council_name, shipped_demo
from ui import html
from ui.display import plain
from ui.frame import APP_NAME, page_frame

DEMO_CONTACT = "performance.team@example.gov.uk"  # the demo council's made-up address
REVIEWED = date(2026, 12, 7)  # the accessibility review this release's statement rests on
TESTED_WIDTHS = "1366, 1280, 768 and 390 pixels wide"
# Every cookie a visitor's browser may be given, by whom, and what for.
COOKIES = pd.DataFrame(
    [
        (
            "_streamlit_xsrf",
            "The app (Streamlit)",
            "Protects forms and uploads from being sent by another website (cross-site request forgery).",
            "Until the browser closes",
        ),
        (
            "_streamlit_user",
            "The app, when sign-in is set up",
            "Remembers who you signed in as (signed and encrypted), so that you stay signed in.",
            "30 days, or until you sign out",
        ),
        (
            "_streamlit_user_tokens",
            "The app, when sign-in is set up",
            "Holds the sign-in provider's proof of your sign-in (signed and encrypted), for your visit.",
            "30 days, or until you sign out",
        ),
        (
            "performance_replica",
            "The council's web server, when the app runs on two servers",
            "Keeps your visit on one server, which holds the page you are on.",
            "Until the browser closes",
        ),
    ],
    columns=["Cookie", "Set by", "What it is for", "How long it lasts"],
)

frame = page_frame(
    "About this service",
    "Who runs this service, how accessible it is, what it stores in your browser, and how to report a problem.",
    needs_snapshot=False,
)
council = council_name() or "The council"
contact = CONTACT_EMAIL.value() or (DEMO_CONTACT if shipped_demo() else "")
contact_words = f"email {contact}" if contact else "contact the council's performance team"
statement_date = STATEMENT_DATE.value() or REVIEWED.isoformat()
try:
    reviewed = date.fromisoformat(statement_date)
except ValueError:
    reviewed = REVIEWED

st.markdown(
    plain(
        f"{APP_NAME} is run by {council}. It shows how the council's children's services are doing, month "
        "by month, against their targets, against England and over time. The figures in the public view "
        "hide small numbers so that no child can be identified."
    )
)
if shipped_demo():
    st.info(
        plain(f"This copy shows demonstration data for {DEMO_COUNCIL}, a council that does not exist."),
        icon=":material/info:",
    )

st.header("Accessibility statement")
st.markdown(
    plain(
        f"This accessibility statement applies to {APP_NAME}, run by {council}. We want as many people as "
        "possible to be able to use it. That means you should be able to:"
    )
)
st.markdown(
    "- change colours, contrast levels and fonts using your browser or device settings\n"
    "- zoom in up to 400% without the text spilling off the screen\n"
    "- get to every page and choice using just a keyboard\n"
    "- listen to the pages using a screen reader: every chart has a name and a sentence saying what it shows\n"
    "- read every status in words and a symbol, never by colour alone"
)

st.subheader("How accessible this service is")
st.markdown(
    "We know some parts are not fully accessible:\n"
    "- the figures a chart shows when you point at it (its tooltips) can be reached with a mouse only; "
    "the sentence and the table beside each chart give the same figures\n"
    "- the Load data page's file chooser, provided by the framework the app is built with, names its "
    "button in English only\n"
    "- spreadsheets you download have no document title"
)

st.subheader("Feedback and contact information")
st.markdown(
    plain(
        f"If you need information from this service in a different format, or find a problem we have not "
        f"listed, {contact_words}. We will reply within 5 working days."
    )
)

st.subheader("Enforcement procedure")
st.markdown(
    "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
    "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility "
    "regulations'). If you are not happy with how we respond to your complaint, contact the Equality "
    "Advisory and Support Service (EASS)."
)

st.subheader("Technical information about this service's accessibility")
st.markdown(
    plain(
        f"{council} is committed to making its websites accessible, in accordance with the Public Sector "
        "Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. This service is "
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to "
        "the non-compliances listed below."
    )
)
st.markdown(
    "**Non-accessible content.** Chart tooltips appear on pointing only, not on keyboard focus (WCAG 2.2 "
    "success criteria 1.4.13 content on hover or focus and 2.1.1 keyboard). Each chart's figures are also "
    "given in words and in a table on the same page."
)

st.subheader("How we tested this service")
st.markdown(
    plain(
        f"Every page is tested automatically, in both the public and the signed-in view, with axe-core in "
        f"the Chromium browser at {TESTED_WIDTHS}, against the WCAG 2.0, 2.1 and 2.2 A and AA rules; the "
        f"tests fail on any serious or critical problem. The scorecard is also tested printed on A4. This "
        f"statement was prepared and last reviewed on {reviewed:%d %B %Y}."
    )
)

st.header("Privacy and cookies")
st.markdown(
    plain(
        "The public view shows no information about any child, family or worker: only figures for teams "
        "and the whole service, with small numbers hidden. If you sign in, the service receives your name "
        "and email address from the council's sign-in provider, to decide what you may see; it keeps a "
        "record of who published or withdrew each month's figures. It uses no analytics and no "
        "advertising, and fetches nothing from other websites. These cookies may be set:"
    )
)
html.show(
    html.table_html(
        [html.Column(header, css) for header, css in zip(COOKIES.columns, ("name", "name", "text", "text"))],
        [[html.Cell(str(cell)) for cell in row] for row in COOKIES.itertuples(index=False)],
        "Cookies this service may set",
    )
)

st.header("Report a problem")
st.markdown(plain(f"To report a problem with the figures or with this service, {contact_words}."))
st.caption(plain(f"{APP_NAME}, version {version()}. Open-source software under the MIT licence."))
