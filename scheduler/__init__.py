"""Timed work: deciding what is due (prompts, check-ins, chasers, digests) and delivering it."""
