"""Moderator digests: schedules as data, which debates moved, and how they rank.

Pure Python with no Discord in it: the scheduler cog, the store and the tests call these.
"""
