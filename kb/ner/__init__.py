"""A statistical recognizer of people, organizations and places: a character CRF.

Trained with CRFsuite (``python -m kb.ner.train``) on annotated news made to look like page
text; decoded here with numpy alone, from weights shipped inside the package.
"""
