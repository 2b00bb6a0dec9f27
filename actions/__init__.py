"""Rasa custom actions. They only translate between the conversation and the engine in ``opschaling``."""
