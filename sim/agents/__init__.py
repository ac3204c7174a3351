"""Agents: their states and allowed transitions (:mod:`states`), the roster that numbers them
and lists each one's spells on duty (:mod:`roster`), and the spells they actually work in one
replication, with absences and adherence drawn (:mod:`shrinkage`). Agents import only the model and the
protocol's codes; the engines read them. A new agent state (a break, outbound work, several chats at once) is added
in states.py, with its transitions, before an engine may enter it."""
