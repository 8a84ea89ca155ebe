"""Namespaces: the contract's (schema.org over http, ORG, PROV, SKOS), the standards the KB
reuses (Web Annotation, VoID, DCAT, SPDX), and the project's own ontology, whose namespace
lives under the configured base ({base}ontology#) and so is made per base by `kb_namespace`."""
from __future__ import annotations

from pyoxigraph import NamedNode

PREFIXES = {
    "schema": "http://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "oa": "http://www.w3.org/ns/oa#",
    "spdx": "http://spdx.org/rdf/terms#",
}
ONTOLOGY_PATH = "ontology"  # the ontology's IRI is {base}ontology, its terms {base}ontology#Term


class Namespace:
    """Terms of one namespace as pyoxigraph NamedNodes; unknown names are an error."""

    def __init__(self, iri: str, terms: str) -> None:
        self.iri = iri
        self._terms = {t: NamedNode(iri + t) for t in terms.split()}

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self._terms[name]
        except KeyError:
            raise AttributeError(f"{name} is not a term of {self.iri}") from None

    def __iter__(self):
        return iter(self._terms.values())


RDF = Namespace(PREFIXES["rdf"], "type")
RDFS = Namespace(PREFIXES["rdfs"], "label comment seeAlso")
XSD = Namespace(PREFIXES["xsd"], "date gMonthDay integer nonNegativeInteger decimal boolean string dateTime hexBinary anyURI")
SCHEMA = Namespace(
    PREFIXES["schema"],
    "NewsArticle Photograph Person Organization Project Place Event CreativeWork SoftwareApplication "
    "Corporation GovernmentOrganization EducationalOrganization MedicalOrganization "
    "ResearchOrganization NewsMediaOrganization AdministrativeArea "
    "headline alternativeHeadline dateline text author creator contributor mentions name alternateName "
    "startDate datePublished isPartOf position containedInPlace location funder sponsor "
    "description identifier url softwareVersion disambiguatingDescription",
)
ORG = Namespace(PREFIXES["org"], "Membership Role member role organization memberDuring")
PROV = Namespace(
    PREFIXES["prov"],
    "Entity Activity SoftwareAgent Person wasDerivedFrom wasGeneratedBy generatedAtTime used wasAttributedTo "
    "wasAssociatedWith endedAtTime",
)
SKOS = Namespace(PREFIXES["skos"], "prefLabel altLabel")
DCTERMS = Namespace(
    PREFIXES["dcterms"],
    "source date identifier title description license rights created modified publisher subject "
    "conformsTo format isReplacedBy",
)
OA = Namespace(
    PREFIXES["oa"],
    "Annotation SpecificResource TextPositionSelector identifying motivatedBy hasBody hasTarget "
    "hasSource hasScope hasSelector start end",
)
VOID = Namespace(
    PREFIXES["void"],
    "Dataset DatasetDescription triples entities distinctSubjects classes properties classPartition "
    "class sparqlEndpoint dataDump uriSpace vocabulary exampleResource rootResource",
)
DCAT = Namespace(
    PREFIXES["dcat"],
    "Dataset Distribution DataService distribution downloadURL accessURL mediaType compressFormat byteSize "
    "accessService endpointURL servesDataset",
)
SPDX = Namespace(PREFIXES["spdx"], "Checksum checksum algorithm checksumValue checksumAlgorithm_sha256")

# The project's own terms (defined, with Chinese and English labels, in ontology/kb.ttl).
KB_TERMS = (
    "Newspaper Page Item Report WireCopy Feature PhotoItem Teaser OtherItem Person Organization "
    "GovernmentBody PartyOrgan Company EducationalInstitution ResearchInstitute MedicalInstitution "
    "MediaOrganization IntergovernmentalOrganization Project Place AdministrativeDivision Province City County Town Village Event "
    "Post Role Mention PageGraph Extraction Resolution Correction "
    "sha256 stage investment capacity signed owner former "
    "correctedBy operation reason corrects rejects mergedFrom newName newType qualifier adds"
)


def kb_namespace(base: str) -> Namespace:
    """The project's ontology terms under one base IRI."""
    return Namespace(base + ONTOLOGY_PATH + "#", KB_TERMS)


def prefixes(base: str) -> dict[str, str]:
    """PREFIXES plus `kb:` for the ontology under this base."""
    return {**PREFIXES, "kb": base + ONTOLOGY_PATH + "#"}

# Two IRIs as strings, for code that compares terms' values (kb.jsonld, kb.web.void)
RDF_TYPE = RDF.type.value
XSD_STRING = XSD.string.value
