"""One check per fact of the project's fact list (K1–K17, C1–C22 in the design notes' domain.md).

Each check is a SPARQL ASK over the shipped graph that asks for the fact's content itself *and* for its
evidence: a ``cg:Evidence`` attached to the node the fact is about, with ``cg:supportsFact`` the fact id and
``cg:inParagraph`` the paragraph of the source that states it. Remove the fact or its evidence and the check
fails. A second group checks the pitfalls: what the graph must *not* say.
"""

from __future__ import annotations

import itertools

import pyoxigraph
import pytest

from coopgraph.load import load_shipped, union_graph

PREFIXES = """
PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX state: <https://w3id.org/coopgraph/id/state/>
PREFIX body: <https://w3id.org/coopgraph/id/body/>
PREFIX organisation: <https://w3id.org/coopgraph/id/organisation/>
PREFIX person: <https://w3id.org/coopgraph/id/person/>
PREFIX post: <https://w3id.org/coopgraph/id/post/>
PREFIX tenure: <https://w3id.org/coopgraph/id/tenure/>
PREFIX instrument: <https://w3id.org/coopgraph/id/instrument/>
PREFIX status: <https://w3id.org/coopgraph/id/status/>
PREFIX event: <https://w3id.org/coopgraph/id/event/>
PREFIX claim: <https://w3id.org/coopgraph/id/claim/>
PREFIX framework: <https://w3id.org/coopgraph/id/framework/>
PREFIX source: <https://w3id.org/coopgraph/id/source/>
PREFIX designation: <https://w3id.org/coopgraph/id/designation/>
PREFIX legal-status: <https://w3id.org/coopgraph/id/legal-status/>
PREFIX assistance-form: <https://w3id.org/coopgraph/id/assistance-form/>
PREFIX cooperation-activity: <https://w3id.org/coopgraph/id/cooperation-activity/>
PREFIX cooperation-form: <https://w3id.org/coopgraph/id/cooperation-form/>
PREFIX crime-type: <https://w3id.org/coopgraph/id/crime-type/>
PREFIX claim-kind: <https://w3id.org/coopgraph/id/claim-kind/>
PREFIX iccs: <https://w3id.org/coopgraph/id/iccs/>
PREFIX untoc: <https://w3id.org/coopgraph/id/untoc/>
PREFIX mt: <https://w3id.org/coopgraph/id/un-model-treaty-mla/>
PREFIX scheme: <https://w3id.org/coopgraph/id/scheme/>
PREFIX m49: <https://w3id.org/coopgraph/id/m49/>
PREFIX kz: <https://w3id.org/coopgraph/id/source/sg-minlaw-2025-09-08-mla-kz/>
PREFIX kh: <https://w3id.org/coopgraph/id/source/kh-sg-mou-news-2025-07-10/>
"""

KZ_SOURCE = "source:sg-minlaw-2025-09-08-mla-kz"
KH_SOURCE = "source:kh-sg-mou-news-2025-07-10"
_names = itertools.count()


def evidence(node: str, fact: str, paragraph: str) -> str:
    """Graph pattern: ``node`` has evidence for ``fact`` in ``paragraph`` (e.g. ``kz:p1``) of its source."""
    source = KZ_SOURCE if paragraph.startswith("kz:") else KH_SOURCE
    n = next(_names)
    return (
        f"{node} cg:hasEvidence ?evidence{n} . ?evidence{n} a cg:Evidence ; cg:supportsFact {fact!r} ; "
        f"cg:inParagraph {paragraph} ; cg:quote ?quote{n} . {paragraph} cg:paragraphOf {source} ."
    )


MLA = "instrument:sg-kz-mla-2025"
MLA_SIGNING = "event:sg-kz-mla-2025-signing"
MOU = "instrument:kh-sg-mou-2025"
MOU_SIGNING = "event:kh-sg-mou-2025-signing"
VISIT = "event:kh-sg-visit-2025-07"

FACTS: dict[str, str] = {
    # ------------------------------------------------------------------ the Kazakhstan press release
    "K1": f"""
        {KZ_SOURCE} a cg:PressRelease ; dcterms:publisher body:sg-ministry-of-law ;
            cg:category "Press releases" ;
            dcterms:issued "2025-09-08"^^xsd:date ; dcterms:modified "2025-09-08"^^xsd:date ;
            cg:permalink "/singapore-and-kazakhstan-sign-agreement-on-mutual-legal-assistance/" .
        body:sg-ministry-of-law cg:bodyOf state:SG .
        {evidence(KZ_SOURCE, "K1", "kz:p0")}
    """,
    "K2": f"""
        {KZ_SOURCE} dcterms:title ?title .
        FILTER (LANG(?title) = "en" && STR(?title) = CONCAT(
            "The Republic of Singapore and the Republic of Kazakhstan Sign Agreement ",
            "on Mutual Legal Assistance in Criminal Matters"))
        {evidence(KZ_SOURCE, "K2", "kz:p0")}
    """,
    "K3": f"""
        {MLA} a cg:BilateralInstrument ;
            cg:officialName "Agreement on Mutual Legal Assistance in Criminal Matters"@en ;
            cg:shortName "the Treaty"@en ;
            cg:hasDesignation designation:agreement , designation:treaty .
        {evidence(MLA, "K3", "kz:p1")}
    """,
    "K4": f"""
        {MLA} cg:hasParty state:SG , state:KZ .
        FILTER NOT EXISTS {{ {MLA} cg:hasParty ?other FILTER (?other NOT IN (state:SG, state:KZ)) }}
        {MLA_SIGNING} cg:hasSignature ?sg , ?kz .
        ?sg cg:signedFor state:SG ; cg:partyAsWritten "the Government of the Republic of Singapore"@en .
        ?kz cg:signedFor state:KZ ; cg:partyAsWritten "the Republic of Kazakhstan"@en .
        state:KZ cg:officialName "Republic of Kazakhstan"@en .
        {evidence(MLA, "K4", "kz:p1")}
        {evidence(MLA, "K4", "kz:p0")}
        {evidence("?sg", "K4", "kz:p1")}
    """,
    "K5": f"""
        {MLA_SIGNING} cg:concernsInstrument {MLA} ; cg:onDate "2025-09-08"^^xsd:date .
        {evidence(MLA_SIGNING, "K5", "kz:p1")}
    """,
    "K6": f"""
        {MLA_SIGNING} cg:hasSignature ?sig .
        ?sig cg:concernsInstrument {MLA} ; cg:signatory person:edwin-tong ; cg:signedFor state:SG ;
            cg:inCapacityOf post:sg-minister-for-law .
        ?tenure cg:tenureHolder person:edwin-tong ; cg:tenurePost post:sg-minister-for-law ;
            cg:attestedOn "2025-09-08"^^xsd:date .
        person:edwin-tong cg:honorific "SC" ; rdfs:label "Edwin Tong"@en .
        {evidence("?sig", "K6", "kz:p2")}
        {evidence("?tenure", "K6", "kz:p2")}
    """,
    "K7": f"""
        {MLA_SIGNING} cg:hasSignature ?sig .
        ?sig cg:signatory person:edwin-tong ; cg:inCapacityOf post:sg-second-minister-for-home-affairs .
        ?tenure cg:tenureHolder person:edwin-tong ; cg:tenurePost post:sg-second-minister-for-home-affairs ;
            cg:attestedOn "2025-09-08"^^xsd:date .
        {evidence("?sig", "K7", "kz:p2")}
    """,
    "K8": f"""
        {MLA_SIGNING} cg:hasSignature ?sig .
        ?sig cg:concernsInstrument {MLA} ; cg:signatory person:berik-assylov ; cg:signedFor state:KZ ;
            cg:inCapacityOf post:kz-prosecutor-general .
        post:kz-prosecutor-general org:postIn state:KZ .
        ?tenure cg:tenureHolder person:berik-assylov ; cg:tenurePost post:kz-prosecutor-general ;
            cg:attestedOn "2025-09-08"^^xsd:date .
        {evidence("?sig", "K8", "kz:p2")}
    """,
    "K9": f"""
        {MLA_SIGNING} cg:onSidelinesOf ?conference .
        ?conference a cg:Conference ; cg:edition 30 ; cg:organisedBy organisation:iap .
        organisation:iap rdfs:label "International Association of Prosecutors"@en .
        {evidence(MLA_SIGNING, "K9", "kz:p2")}
    """,
    "K10": f"""
        ?claim a cg:Claim ; cg:claimKind claim-kind:first-of-its-kind ; cg:claimAbout {MLA} ;
            cg:claimedBy body:sg-ministry-of-law ; cg:assertedIn {KZ_SOURCE} .
        state:KZ cg:inM49Region m49:143 .
        {evidence("?claim", "K10", "kz:p3")}
    """,
    "K11": f"""
        {MLA} cg:statedPurpose ?purpose ; cg:hasScope crime-type:crime-in-general .
        FILTER (CONTAINS(STR(?purpose), "prevention and suppression of crime"))
        {evidence(MLA, "K11", "kz:p3")}
    """,
    "K12": f"""
        {MLA} cg:statedPurpose ?purpose ;
            cg:providesCooperation cooperation-form:mutual-legal-assistance .
        FILTER (CONTAINS(STR(?purpose), "make requests for and provide legal assistance in criminal matters"))
        {evidence(MLA, "K12", "kz:p3")}
    """,
    "K13": f"""
        {MLA} cg:providesCooperation cooperation-form:obtaining-information-and-evidence ,
                cooperation-form:executing-searches-and-seizures ,
                cooperation-form:restraining-and-confiscating-proceeds ;
            cg:assistanceListExhaustive false .
        {evidence(MLA, "K13", "kz:p3")}
    """,
    "K14": f"""
        ?statement a cg:Statement ; cg:statedBy person:edwin-tong ; cg:concernsInstrument {MLA} .
        ?relations cg:madeIn ?statement ; cg:claimedBy person:edwin-tong ;
            cg:claimKind claim-kind:assessment ; cg:claimText ?relationsText .
        FILTER (CONTAINS(STR(?relationsText), "longstanding")
            && CONTAINS(STR(?relationsText), "economic, security and legal"))
        ?commitment cg:madeIn ?statement ; cg:claimedBy person:edwin-tong ;
            cg:claimKind claim-kind:commitment ; cg:claimText ?commitmentText .
        FILTER (CONTAINS(STR(?commitmentText), "commitment to prevent and suppress transnational crime"))
        {evidence("?statement", "K14", "kz:p4")}
        {evidence("?relations", "K14", "kz:p4")}
        {evidence("?commitment", "K14", "kz:p4")}
    """,
    "K15": f"""
        {MLA_SIGNING} a cg:SigningCeremony .
        {evidence(MLA_SIGNING, "K15", "kz:p5")}
    """,
    "K16": f"""
        ?meeting a cg:Meeting ; cg:participant person:edwin-tong , person:berik-assylov ;
            cg:precedes {MLA_SIGNING} ; cg:involvesActivity cooperation-form:exchange-of-views .
        {evidence("?meeting", "K16", "kz:p5")}
    """,
    "K17": f"""
        ?claim a cg:Claim ; cg:claimKind claim-kind:expectation ;
            cg:claimedBy person:edwin-tong , person:berik-assylov ; cg:claimAbout state:SG , state:KZ .
        {evidence("?claim", "K17", "kz:p5")}
    """,
    # ------------------------------------------------------------------ the Cambodia news article
    "C1": f"""
        {KH_SOURCE} a cg:NewsArticle ; dcterms:issued "2025-07-10"^^xsd:date ; cg:dateline "PHNOM PENH" .
        {evidence(KH_SOURCE, "C1", "kh:p0")}
        {evidence(KH_SOURCE, "C1", "kh:p1")}
    """,
    "C2": f"""
        ?claim a cg:Claim ; cg:claimKind claim-kind:characterisation ; cg:claimAbout {MOU} ;
            cg:assertedIn {KH_SOURCE} ; cg:claimText ?text .
        FILTER (CONTAINS(STR(?text), "landmark") && CONTAINS(STR(?text), "transnational crime"))
        {MOU} cg:hasParty state:KH , state:SG .
        {evidence("?claim", "C2", "kh:p1")}
        {evidence(MOU, "C2", "kh:p1")}
    """,
    "C3": f"""
        ?claim a cg:Claim ; cg:claimAbout {MOU} ; cg:assertedIn {KH_SOURCE} ; cg:claimText ?text .
        FILTER (CONTAINS(STR(?text), "security challenges") && CONTAINS(STR(?text), "ASEAN region"))
        {evidence("?claim", "C3", "kh:p2")}
    """,
    "C4": f"""
        {VISIT} a cg:Visit ; cg:delegationLeader person:sar-sokha ; cg:visitingDelegation ?delegation ;
            cg:hostState state:SG .
        ?delegation a cg:Delegation ; cg:delegationLeader person:sar-sokha .
        ?tenure cg:tenureHolder person:sar-sokha ; cg:tenurePost post:kh-minister-of-interior .
        post:kh-minister-of-interior org:postIn state:KH .
        {evidence(VISIT, "C4", "kh:p3")}
        {evidence("?tenure", "C4", "kh:p3")}
    """,
    "C5": f"""
        {VISIT} cg:withinInterval ?interval .
        ?interval cg:intervalStart "2025-07-07"^^xsd:date ; cg:intervalEnd "2025-07-09"^^xsd:date .
        {evidence(VISIT, "C5", "kh:p3")}
    """,
    "C6": f"""
        {VISIT} cg:toMeet person:kasiviswanathan-shanmugam .
        ?tenure cg:tenureHolder person:kasiviswanathan-shanmugam ;
            cg:tenurePost post:sg-coordinating-minister-for-national-security ;
            cg:attestedOn "2025-07-08"^^xsd:date .
        {evidence(VISIT, "C6", "kh:p3")}
        {evidence("?tenure", "C6", "kh:p3")}
    """,
    "C7": f"""
        ?statement a cg:Statement ; cg:statedBy body:kh-ministry-of-interior ;
            cg:onDate "2025-07-09"^^xsd:date .
        body:kh-ministry-of-interior cg:bodyOf state:KH .
        {MOU_SIGNING} cg:reportedIn ?statement .
        {evidence("?statement", "C7", "kh:p4")}
    """,
    "C8": f"""
        {MOU} a cg:BilateralInstrument ; cg:hasDesignation designation:memorandum-of-understanding ;
            cg:hasScope crime-type:transnational-crime ; cg:statedPurpose ?purpose .
        FILTER (CONTAINS(STR(?purpose), "cross-border crime"))
        {MOU_SIGNING} cg:concernsInstrument {MOU} ; cg:occasion {VISIT} ; cg:withinInterval ?interval ;
            cg:hasSignature ?kh , ?sg .
        ?interval cg:intervalStart "2025-07-07"^^xsd:date ; cg:intervalEnd "2025-07-09"^^xsd:date .
        FILTER NOT EXISTS {{ {MOU_SIGNING} cg:onDate ?day }}
        ?kh cg:signatory person:sar-sokha ; cg:signedFor state:KH ;
            cg:inCapacityOf post:kh-minister-of-interior .
        ?sg cg:signatory person:kasiviswanathan-shanmugam ; cg:signedFor state:SG ;
            cg:inCapacityOf post:sg-coordinating-minister-for-national-security .
        {evidence(MOU, "C8", "kh:p4")}
        {evidence(MOU_SIGNING, "C8", "kh:p4")}
    """,
    "C9": f"""
        {MOU} cg:hasScope crime-type:terrorism , crime-type:cybercrime , crime-type:fraud ,
            crime-type:drug-related-crime , crime-type:money-laundering , crime-type:trafficking ,
            crime-type:human-smuggling .
        crime-type:trafficking cg:interpretiveMatch iccs:0204 ; skos:closeMatch iccs:0204 ;
            skos:editorialNote ?why .
        crime-type:money-laundering skos:closeMatch iccs:07041 .
        crime-type:human-smuggling skos:closeMatch iccs:08051 .
        {evidence(MOU, "C9", "kh:p4")}
    """,
    "C10": f"""
        {MOU} cg:statedPurpose ?purpose .
        FILTER (CONTAINS(STR(?purpose), "security environment, public order"))
        {evidence(MOU, "C10", "kh:p5")}
    """,
    "C11": f"""
        {MOU} cg:providesCooperation cooperation-form:exchange-of-views ,
            cooperation-form:sharing-security-situation .
        {evidence(MOU, "C11", "kh:p6")}
    """,
    "C12": f"""
        {MOU} cg:providesCooperation cooperation-form:training-and-capacity-building .
        {evidence(MOU, "C12", "kh:p7")}
    """,
    "C13": f"""
        {MOU} cg:providesCooperation cooperation-form:regional-framework-cooperation ;
            cg:invokesFramework framework:asean-mechanism-combating-transnational-crime .
        framework:asean-mechanism-combating-transnational-crime a cg:RegionalFramework ;
            cg:frameworkOf organisation:asean .
        {evidence(MOU, "C13", "kh:p7")}
    """,
    "C14": f"""
        ?claim a cg:Claim ; cg:claimKind claim-kind:support ; cg:claimedBy person:lawrence-wong ;
            cg:reportedBy body:kh-ministry-of-interior ; cg:assertedIn {KH_SOURCE} .
        ?tenure cg:tenureHolder person:lawrence-wong ; cg:tenurePost post:sg-prime-minister .
        {evidence("?claim", "C14", "kh:p8")}
        {evidence("?tenure", "C14", "kh:p8")}
    """,
    "C15": f"""
        ?claim a cg:Claim ; cg:claimKind claim-kind:endorsement ; cg:claimedBy person:lawrence-wong ;
            cg:reportedBy body:kh-ministry-of-interior ; cg:claimAbout body:kh-ministry-of-interior .
        {evidence("?claim", "C15", "kh:p9")}
    """,
    "C16": f"""
        ?visit a cg:SiteVisit ; cg:partOfVisit {VISIT} ; cg:visitedBy person:sar-sokha ;
            cg:visitedOrganisation body:sg-servicesg-centre .
        {evidence("?visit", "C16", "kh:p10")}
    """,
    "C17": f"""
        body:sg-servicesg-centre cg:mandate ?mandate .
        FILTER (CONTAINS(STR(?mandate), "inter-agency coordination unit")
            && CONTAINS(STR(?mandate), "single point of contact"))
        {evidence("body:sg-servicesg-centre", "C17", "kh:p10")}
    """,
    "C18": f"""
        ?visit a cg:SiteVisit ; cg:partOfVisit {VISIT} ; cg:visitedBy person:sar-sokha , ?delegation ;
            cg:visitedOrganisation body:sg-anti-scam-command .
        {VISIT} cg:visitingDelegation ?delegation .
        body:sg-anti-scam-command cg:abbreviation "ASCom" .
        {evidence("?visit", "C18", "kh:p11")}
    """,
    "C19": f"""
        body:sg-anti-scam-command cg:mandate ?mandate .
        FILTER (CONTAINS(STR(?mandate), "technology-based fraud"))
        {evidence("body:sg-anti-scam-command", "C19", "kh:p11")}
    """,
    "C20": f"""
        body:sg-anti-scam-command cg:mandate ?mandate .
        FILTER (CONTAINS(STR(?mandate), "government and private institutions"))
        {evidence("body:sg-anti-scam-command", "C20", "kh:p12")}
    """,
    "C21": f"""
        ?visit a cg:SiteVisit ; cg:partOfVisit {VISIT} ; cg:visitedBy person:sar-sokha , ?delegation ;
            cg:visitedOrganisation body:sg-central-narcotics-bureau .
        {VISIT} cg:visitingDelegation ?delegation .
        body:sg-central-narcotics-bureau cg:abbreviation "CNB" .
        {evidence("?visit", "C21", "kh:p13")}
    """,
    "C22": f"""
        body:sg-central-narcotics-bureau cg:mandate ?mandate .
        FILTER (CONTAINS(STR(?mandate), "illegal drugs") && CONTAINS(STR(?mandate), "educational measures")
            && CONTAINS(STR(?mandate), "drug-free"))
        {evidence("body:sg-central-narcotics-bureau", "C22", "kh:p13")}
    """,
}

# What the graph must not say (domain.md's pitfalls): each ASK must be false.
PITFALLS: dict[str, str] = {
    "wong-signed-nothing": "?signature cg:signatory person:lawrence-wong .",
    "sc-is-not-a-post": """
        { ?signature cg:inCapacityOf ?post . ?post rdfs:label ?label FILTER (CONTAINS(STR(?label), "SC")) }
        UNION { ?post a cg:Post ; rdfs:label "SC"@en }
    """,
    "no-place-of-signing-for-the-treaty": f"{MLA_SIGNING} cg:atPlace ?place .",
    "no-exact-day-for-the-mou-signing": f"{MOU_SIGNING} cg:onDate ?day .",
    "mou-status-is-only-not-stated": f"""
        ?assertion cg:statusOf {MOU} ; cg:legalStatus ?status FILTER (?status != legal-status:not-stated)
    """,
    "no-wikidata-for-people-or-the-iap": """
        { ?person a cg:Person ; cg:wikidataItem ?item } UNION { organisation:iap cg:wikidataItem ?item }
    """,
    "kazakhstan-is-not-in-asean": "?membership org:member state:KZ ; org:organization organisation:asean .",
    "nothing-is-in-force": "?event a cg:EntryIntoForce .",
    # Neither text says its instrument binds: a designation ("the Treaty") is not a legal status.
    "no-instrument-is-said-to-bind": """
        ?assertion cg:legalStatus ?status FILTER (?status != legal-status:not-stated)
    """,
    # The State is the party; "the Government of the Republic of Singapore" is only the wording.
    "the-government-is-not-the-party": f"""
        {{ {MLA} cg:hasParty body:sg-government }} UNION {{ ?signature cg:signedFor body:sg-government }}
    """,
    # cg:officialName holds only a title a source gives: the article gives the MoU none.
    "the-mou-has-no-title": f"{MOU} cg:officialName ?name .",
    # "expressed support for the joint efforts": not said to be support for the MoU.
    "wong-support-is-not-for-the-mou": f"""
        ?claim cg:claimedBy person:lawrence-wong ; cg:claimAbout {MOU} .
    """,
}

# What the graph must say besides the fact list (the brief's extra requirements).
REQUIRED: dict[str, str] = {
    "treaty-status-not-stated-and-not-the-ministrys": f"""
        ?assertion a cg:LegalStatusAssertion ; cg:statusOf {MLA} ; cg:legalStatus legal-status:not-stated ;
            cg:assertedIn {KZ_SOURCE} ; cg:hasEvidence ?evidence ; cg:readingNote ?reading .
        ?evidence cg:inParagraph kz:p1 ; cg:quote "(the “Treaty”)" .
        FILTER NOT EXISTS {{ ?assertion cg:assertedBy ?anyone }}
        {MLA} cg:hasDesignation designation:treaty .
    """,
    "the-treaty-is-labelled-by-its-title": f"""
        {MLA} rdfs:label ?label .
        FILTER (CONTAINS(STR(?label), "Agreement on Mutual Legal Assistance in Criminal Matters"))
    """,
    "the-release-title-names-the-states": f"""
        {MLA} skos:note ?note .
        FILTER (CONTAINS(STR(?note), "The Republic of Singapore and the Republic of Kazakhstan"))
    """,
    "read-not-stated-on-the-node": f"""
        {MOU_SIGNING} cg:readingNote ?signing ; cg:hasSignature ?kh , ?sg .
        ?kh cg:signatory person:sar-sokha ; cg:readingNote ?khNote .
        ?sg cg:signatory person:kasiviswanathan-shanmugam ; cg:readingNote ?sgNote .
        FILTER (CONTAINS(STR(?khNote), "two ministers") && CONTAINS(STR(?khNote), "Minister of Interior"))
        ?cnb cg:visitedOrganisation body:sg-central-narcotics-bureau ; cg:readingNote ?they .
        FILTER (CONTAINS(STR(?they), "they"))
        ?support cg:claimedBy person:lawrence-wong ; cg:claimKind claim-kind:support ;
            cg:readingNote ?efforts .
        FILTER (CONTAINS(STR(?efforts), "joint efforts"))
    """,
    "posts-belong-to-their-ministry-and-state": """
        post:sg-minister-for-law org:postIn body:sg-ministry-of-law , state:SG .
        post:kh-minister-of-interior org:postIn body:kh-ministry-of-interior , state:KH .
        body:sg-ministry-of-law cg:bodyOf state:SG .
    """,
    "the-ministers-meeting-is-an-event": f"""
        ?meeting a cg:Meeting ; cg:participant person:sar-sokha , person:kasiviswanathan-shanmugam ;
            cg:occasion {VISIT} .
        {evidence("?meeting", "C6", "kh:p3")}
    """,
    "facts-quoted-from-the-ministry-statement-are-linked-to-it": f"""
        ?statement a cg:Statement ; cg:statedBy body:kh-ministry-of-interior .
        {MOU} cg:hasEvidence ?c8 , ?c9 , ?c12 , ?c13 .
        ?c8 cg:supportsFact "C8" ; cg:quotesStatement ?statement .
        ?c9 cg:supportsFact "C9" ; cg:quotesStatement ?statement .
        ?c12 cg:supportsFact "C12" ; cg:quotesStatement ?statement .
        ?c13 cg:supportsFact "C13" ; cg:quotesStatement ?statement .
        ?support cg:claimedBy person:lawrence-wong ; cg:hasEvidence ?c14 .
        ?c14 cg:supportsFact "C14" ; cg:quotesStatement ?statement .
    """,
    "enrichment-sources-with-a-known-web-address-give-it": """
        source:asianews-network-213914 cg:permalink "https://asianews.network/?p=213914" .
    """,
    "mou-status-not-stated": f"""
        ?assertion a cg:LegalStatusAssertion ; cg:statusOf {MOU} ; cg:legalStatus legal-status:not-stated ;
            cg:hasEvidence ?evidence .
    """,
    "states-with-iso-codes-m49-and-wikidata": """
        state:SG cg:isoAlpha2 "SG" ; cg:isoAlpha3 "SGP" ; cg:isoNumeric "702" ; cg:inM49Region m49:035 ;
            cg:wikidataItem <http://www.wikidata.org/entity/Q334> .
        state:KZ cg:isoAlpha2 "KZ" ; cg:isoAlpha3 "KAZ" ; cg:isoNumeric "398" ; cg:inM49Region m49:143 ;
            cg:wikidataItem <http://www.wikidata.org/entity/Q232> .
        state:KH cg:isoAlpha2 "KH" ; cg:isoAlpha3 "KHM" ; cg:isoNumeric "116" ; cg:inM49Region m49:035 ;
            cg:wikidataItem <http://www.wikidata.org/entity/Q424> .
        m49:035 skos:broader m49:142 . m49:143 skos:broader m49:142 .
    """,
    "asean-memberships-with-dates": """
        organisation:asean cg:wikidataItem <http://www.wikidata.org/entity/Q7768> .
        ?sg a org:Membership ; org:member state:SG ; org:organization organisation:asean ;
            org:memberDuring ?i1 .
        ?i1 a cg:DateInterval ; cg:intervalStart "1967-08-08"^^xsd:date .
        ?kh a org:Membership ; org:member state:KH ; org:organization organisation:asean ;
            org:memberDuring ?i2 .
        ?i2 a cg:DateInterval ; cg:intervalStart "1999-04-30"^^xsd:date .
    """,
    "assistance-forms-mapped-to-untoc-and-model-treaty": """
        cooperation-form:obtaining-information-and-evidence skos:closeMatch ?u1 , ?m1 ;
            skos:broader cooperation-form:mutual-legal-assistance .
        ?u1 skos:inScheme scheme:untoc .
        ?m1 skos:inScheme scheme:un-model-treaty-mla .
        cooperation-form:executing-searches-and-seizures skos:closeMatch untoc:art-18-3-c , mt:art-1-2-d .
        cooperation-form:restraining-and-confiscating-proceeds skos:closeMatch untoc:art-12 , untoc:art-13 .
    """,
    "old-form-and-activity-iris-still-answer": """
        assistance-form:obtaining-information-and-evidence dcterms:isReplacedBy
            cooperation-form:obtaining-information-and-evidence .
        cooperation-activity:mutual-legal-assistance-requests dcterms:isReplacedBy
            cooperation-form:mutual-legal-assistance .
    """,
    "reference-schemes-cite-their-documents": """
        scheme:iccs dcterms:source ?iccs . ?iccs a cg:ReferenceDocument .
        scheme:untoc dcterms:source ?untoc . ?untoc a cg:ReferenceDocument .
        scheme:un-model-treaty-mla dcterms:source ?mt . ?mt a cg:ReferenceDocument .
        iccs:0204 skos:notation "0204" ; dcterms:source ?iccs .
    """,
}


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    graph = union_graph(load_shipped())
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def ask(store: pyoxigraph.Store, pattern: str) -> bool:
    return bool(store.query(f"{PREFIXES}\nASK {{ {pattern} }}"))


def test_the_fact_list_is_complete() -> None:
    assert set(FACTS) == {f"K{n}" for n in range(1, 18)} | {f"C{n}" for n in range(1, 23)}


@pytest.mark.parametrize("fact", list(FACTS))
def test_fact_is_carried_with_its_evidence(store: pyoxigraph.Store, fact: str) -> None:
    assert ask(store, FACTS[fact]), f"fact {fact} or its evidence (paragraph, quote) is missing"


@pytest.mark.parametrize("pitfall", list(PITFALLS))
def test_the_graph_does_not_say(store: pyoxigraph.Store, pitfall: str) -> None:
    assert not ask(store, PITFALLS[pitfall]), f"the graph says what the sources do not: {pitfall}"


@pytest.mark.parametrize("requirement", list(REQUIRED))
def test_the_graph_also_says(store: pyoxigraph.Store, requirement: str) -> None:
    assert ask(store, REQUIRED[requirement]), f"missing: {requirement}"


def test_a_check_fails_when_its_fact_is_gone(store: pyoxigraph.Store) -> None:
    """Delete the treaty's signing date and the K5 check must fail (and come back when restored)."""
    signing = pyoxigraph.NamedNode("https://w3id.org/coopgraph/id/event/sg-kz-mla-2025-signing")
    on_date = pyoxigraph.NamedNode("https://w3id.org/coopgraph/ontology#onDate")
    quads = list(store.quads_for_pattern(signing, on_date, None, None))
    assert quads
    for quad in quads:
        store.remove(quad)
    try:
        assert not ask(store, FACTS["K5"])
    finally:
        for quad in quads:
            store.add(quad)
    assert ask(store, FACTS["K5"])


@pytest.mark.parametrize(
    ("instrument", "parties", "signed"),
    [
        ("sg-kz-mla-2025", ["KZ", "SG"], "2025-09-08"),
        ("kh-sg-mou-2025", ["KH", "SG"], "2025-07-07/2025-07-09"),
    ],
)
def test_the_sources_state_nothing_after_the_signing(
    instrument: str, parties: list[str], signed: str
) -> None:
    """Neither source says anything of consent, entry into force, reservations or authorities: on the day of
    the source and today, the status query says of each party "signed; nothing recorded since"."""
    from coopgraph import queries
    from coopgraph.stores import EmbeddedStore

    store = EmbeddedStore.shipped()
    for day in ({"day": "2025-09-08" if "kz" in instrument else "2025-07-10"}, {}):
        answer = queries.run(queries.get("status-on-day"), {"instrument": instrument, **day}, store)
        found = [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]
        assert [(r["party"].rsplit("/", 1)[1], r["status"], r["since"]) for r in found] == [
            (party, "signed; nothing recorded since", signed) for party in parties
        ]
