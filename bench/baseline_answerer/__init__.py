"""The extractive answerer as it was before issue 13 (main at 08dc391), frozen for `python -m bench ask`.

A verbatim copy of bot/extractive/{answerer,cues,lexicon,text,retrieval}.py and the summariser helpers it
used, with imports pointed here, so the benchmark measures the old answerer beside the new one in the same
run whatever later changes the live modules. Not used by the bot.
"""
