"""Every acronym and term the app uses, in plain English (a test checks the pages use no other)."""

from __future__ import annotations

TERMS: dict[str, str] = {
    "Annex A": "The eleven lists of children Ofsted asks a council for at the start of an inspection of "
    "children's services: contacts, Early Help, referrals, assessments, S47 enquiries, Child in Need, "
    "Child Protection, children in care, care leavers, adoption and special guardianship. This app can "
    "build a monthly scorecard from them.",
    "Assurance": "From SPC: whether the process, as it runs now, will reliably meet its target. Pass: every month "
    "should meet it. Fail: no month will unless something changes. Hit and miss: some months will "
    "and some will not.",
    "Child Unique ID": "The council's own identifier for a child in the Annex A lists. The import uses it to count "
    "each child once; the app never shows it.",
    "CIN": "Child in Need. A child who needs services from the council to reach a reasonable standard of health "
    "or development (Section 17 of the Children Act 1989). A CIN plan sets out the help they get.",
    "CLA": "Child looked after, also called a child in care: a child in the care of the council, living with "
    "foster carers, in a children's home, with family or friends, or elsewhere.",
    "Children in care": "Children looked after (CLA) by the council.",
    "ChAT": "Children's Services Analysis Tool: a spreadsheet most councils use to summarise their Annex A lists "
    "for Ofsted inspections.",
    "Common cause": "From SPC: ordinary month-to-month variation. Nothing unusual is happening; reacting to a "
    "single month's rise or fall would be reacting to noise.",
    "CP": "Child Protection. A child at risk of significant harm may be made subject to a CP plan at a "
    "child protection conference.",
    "Direction of travel": "Whether an indicator moved the good way or the bad way since the month before: "
    "improving, worsening or unchanged. For volumes where neither is better (such as "
    "referrals), simply up or down.",
    "EET": "Education, employment or training: what a care leaver is doing.",
    "EHA": "Early Help assessment: an assessment of a family's needs when they get early help, before or instead "
    "of children's social care.",
    "Early Help": "Support for a child and family as soon as problems start, from the council and partners, "
    "without a social worker.",
    "ICPC": "Initial child protection conference: the meeting that decides whether a child needs a CP plan. "
    "It should be held within 15 working days of the strategy discussion.",
    "IRO": "Independent reviewing officer: chairs the reviews of each child in care's plan and checks the "
    "council is doing what it should.",
    "LAIT": "Local Authority Interactive Tool: the Department for Education's annual comparison of councils' "
    "figures with England, regions and statistical neighbours.",
    "MB": "Megabyte: a million bytes, roughly, of a file's size. A monthly workbook is a few MB; the Load data "
    "page takes files of up to 50 MB.",
    "MASH": "Multi-Agency Safeguarding Hub: where police, health and children's services decide together what to "
    "do about a contact about a child.",
    "NHS": 'National Health Service. Its "Making Data Count" programme set the SPC method this app uses.',
    "NFA": "No further action: a referral closed without an assessment or services.",
    "Polarity": "Whether a higher figure is better (such as visits in time), a lower figure is better (such as "
    "repeat plans), or neither (volumes such as referrals).",
    "RAG": "Red, amber, green: how a figure stands against its target. Green: on target. Amber: short of "
    "target, but within the agreed tolerance. Red: off target. Each is shown with a word and a symbol, "
    "not only a colour.",
    "S47": "Section 47 enquiry: an investigation under Section 47 of the Children Act 1989 when a child may be "
    "suffering, or likely to suffer, significant harm.",
    "Snapshot": "The figures as extracted from the case recording system on one day (the as-at date). Later "
    "snapshots may revise recent months as late recording catches up.",
    "Special cause": "From SPC: variation unlikely to be chance. A point outside the process limits, a run of "
    "seven points above or below the average, a run of seven rising or falling points, or two "
    "of three points close to a limit. Where these point different ways, the first in the order "
    "outside the limits, rising or falling run, two of three, run on one side decides. It is "
    "worth asking what changed.",
    "SPC": 'Statistical process control: the NHS "Making Data Count" method for telling a real change from '
    "ordinary month-to-month noise. It draws the average and process limits, the range most months "
    "fall within if nothing changes. A baseline fixes the limits on the first months (12 at least) so "
    "later months are judged against them.",
    "Statistical neighbours": "The ten councils most like this one in their population and need, from the "
    "Department for Education's (DfE's) children's services statistical neighbour model. "
    "The app shows their mean: the average of those neighbours that have a published "
    "figure, and says how many did.",
    "Quartiles": "Line up every council in England by its figure and cut the line into four equal parts. The "
    "lower quartile is where the lowest quarter ends and the upper quartile where the highest quarter "
    "begins. At or beyond the upper quartile, a figure is in the top quarter of councils where a "
    "higher figure is better, or the bottom quarter where a lower one is better; for volumes where "
    "neither is better, simply the highest or lowest quarter. Between them is the middle half. This "
    "month's figure is set against the quartiles of the latest DfE year.",
    "DfE year": "The year a published comparator is for, as the Department for Education (DfE) labels it: 2021 for "
    "the year to 31 March 2021 (children in need, children looked after), 2020-21 for a financial "
    "year, and for the workforce the position at 30 September. A yearly figure is shown against the "
    "monthly ones with its year, never as if it were a month's.",
    "Published (this council)": "This council's own figure as DfE published it for the year. A count is only ever "
    "compared with this: England's or another council's count is a different size.",
    "DfE": "Department for Education: it publishes each council's figures every year, with England, regions and "
    "statistical neighbours.",
    "Suppression": "Hiding small numbers so no child can be identified. In the public view every count from 1 "
    "to 5, and every percentage or rate built on one, is shown as c, as are any figures that "
    "would let someone work a hidden number out from a total.",
    "Target": "The level the service aims for in a month, set by the council. Targets can change over time and "
    "can differ between teams.",
    "Tolerance": "How far short of target a figure can be and still count as amber rather than red.",
    "UASC": "Unaccompanied asylum-seeking children: children who arrive in the UK without a parent or carer and "
    "claim asylum; they are looked after by the council.",
    "Working days": "Monday to Friday, not counting bank holidays in England. Timescales such as 45 working days "
    "for an assessment are counted this way.",
    "SHA": "SHA-256: a fingerprint of a file, worked out from every byte of it. The publication log keeps each "
    "loaded file's, so the file a month's figures came from can be found again and shown to be unchanged.",
    "UTC": "Coordinated Universal Time, the time the publication log is kept in: the same as UK time in winter, "
    "an hour behind it in summer (BST).",
    "BST": "British Summer Time: UK time from the end of March to the end of October, an hour ahead of UTC.",
    "Improvement Plan": "The council's plan, agreed with its Improvement Board and monitored by the scrutiny "
    "committee, for what children's services will improve and by when. It names priorities (such as "
    "manageable caseloads) and, for each, measures with milestone targets. The Improvement Plan page and "
    "the committee report show progress against it.",
    "Milestone": "A point in the Improvement Plan: the month by which a measure should reach a target (95% of "
    "visits in time by March 2022, say). Met when that month's figure reached it, missed when it did not.",
    "Trajectory": "The Improvement Plan's path for a measure, month by month: a straight line from the baseline "
    "month's figure to the first milestone's target, then from each milestone to the next. Charts draw it "
    "dashed; 'due by now' is its value this month.",
    "Baseline": "The month an Improvement Plan measure starts from: the trajectory begins at that month's "
    "figure. (For SPC, see Limits baseline.)",
    "Limits baseline": "The months SPC works out an indicator's average and limits from. On the scorecard and in "
    "the story every month counts, from the first month the snapshot holds up to the month shown, except "
    "where the officers' notes record a change in practice or definition (such as the spring 2020 lockdown): "
    "there the limits start again, and only the months since count, as the Explore page's SPC chart does "
    "when it starts new limits. A volume that has grown for a long time shows as unusually high for as long "
    "as it stays up, so the story names a signal that began in the last three months and only counts the "
    "long-running ones. On the Explore page you can also fix the limits on the first 12, 18 or 24 months "
    "shown.",
    "On track": "An Improvement Plan measure whose figure this month is at or better than its trajectory: "
    "on course for its next milestone. Off track: behind the trajectory.",
    "Off track": "An Improvement Plan measure whose figure this month is behind its trajectory, so it will miss "
    "its next milestone unless it catches up.",
    "Not due": "An Improvement Plan milestone later than the next one: progress towards it is judged once the "
    "milestone before it has passed.",
    "WCAG": "Web Content Accessibility Guidelines: the international standard for making websites usable by "
    "everyone, including people who use a screen reader, a keyboard alone or a magnifier.",
    "AA": "The middle of WCAG's three levels of conformance, above A and below the strictest. UK public sector "
    "websites must meet WCAG 2.2 AA.",
    "EHRC": "Equality and Human Rights Commission: it enforces the accessibility regulations for public sector "
    "websites in Great Britain.",
    "EASS": "Equality Advisory and Support Service: where to go if you are not happy with how a public body has "
    "answered a complaint about the accessibility of its website.",
    "MIT": "The MIT licence: an open-source licence that lets anyone use, copy and change this software.",
}

# How a snapshot built from Annex A counts each indicator (metrics/annex_a/measures.py does this).
ANNEX_A_RULES: dict[str, str] = {
    "Annex A: counting children": "Each child counts once per indicator, month and team (by Child Unique ID); the "
    "same event for the same child on the same day counts once. Lists 3 to 9 give "
    "each allocated team and the whole service; a row with no team counts for the "
    "whole service only.",
    "Annex A: open at month end": "Started on or before the last day of the month and not ended by it; a plan, "
    "assessment or episode ending on the last day is not open. Used for Early Help "
    "assessments (List 2), assessments (List 4), CIN plans (List 6), CP plans (List "
    "7) and children in care (List 8).",
    "Annex A: contacts, referrals and starts": "Counted in the month of their date: contacts (List 1), Early Help "
    "assessments completed (List 2), referrals (List 3), assessments "
    "authorised (List 4), S47 enquiries by strategy discussion date (List "
    "5), children starting and leaving care (List 8).",
    "Annex A: re-referral": "A referral for a child who had another referral on List 3 in the 12 months before it.",
    "Annex A: no further action": "A referral whose “Referral NFA?” answer is yes.",
    "Annex A: assessment in time": "Authorised within 45 working days of the assessment start (List 4).",
    "Annex A: conference in time": "An initial child protection conference held within 15 working days of the "
    "strategy discussion (List 5), counted in the month of the conference.",
    "Annex A: repeat plan": "A CP plan starting in the month for a child with one or more previous CP plans (List 7).",
    "Annex A: plan length": "CP plans open at month end that started two years or more before it, or less than six "
    "months before it (List 7).",
    "Annex A: placement stability and family settings": "For the latest month, children in care with three or more "
    "placements in the last 12 months, and those placed in "
    "foster care including with family and friends (placement "
    "types U1 to U6) (List 8).",
    "Annex A: care leavers": "For the latest month, care leavers the council is in touch with, in accommodation "
    "judged suitable, and in education, employment or training (List 9).",
    "Annex A: rates per 10,000": "Children on CP plans or in care at month end, divided by the child population "
    "given to the import, times 10,000.",
}
ACRONYMS = ("MASH", "EHA", "CIN", "CP", "CLA", "S47", "ICPC", "RAG", "SPC", "ChAT", "LAIT", "IRO", "UASC", "EET", "NFA")


def search(terms: dict[str, str], query: str) -> dict[str, str]:
    """Terms whose name or meaning contains every word of the query (case does not matter)."""
    words = query.lower().split()
    return {
        term: meaning for term, meaning in terms.items() if all(word in f"{term} {meaning}".lower() for word in words)
    }
