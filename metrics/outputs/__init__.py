"""What people read and take away: formatting, charts, the story in words, the scorecard, teams side
by side, one indicator over time, exports, the glossary and the committee report."""
