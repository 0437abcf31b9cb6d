"""Who is looking and what they may see: the audiences, the links between figures that are the same
number, and the suppression every public figure passes."""
