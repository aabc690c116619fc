"""What publishing adds to the content: who may read an issue, who is a member, who
downloaded what, and the releases, editions and proofs made of an issue.

Split by sub-domain, as ``publishing``'s sub-packages are: ``access``, ``search``, ``mailing``,
``member_imports``, ``releases``, ``proofs``. Importing this package registers every model with
the ``publishing`` app (app label and table names are those of the former single module);
``from publishing.models import Edition`` works as before.
"""

from __future__ import annotations

from publishing.models.access import AccessLevel, Download, IssueAccess, Membership, Read
from publishing.models.mailing import Announcement, Delivery, DeliveryKind
from publishing.models.member_imports import (
    MEMBER_IMPORT_HELD,
    MemberImport,
    MemberImportRow,
    MemberImportState,
)
from publishing.models.proofs import Proof, ProofStatus
from publishing.models.releases import (
    ClaimAction,
    Edition,
    EditionClaim,
    EventKind,
    IssueEvent,
    Release,
    TaskWorker,
)
from publishing.models.search import GramsField, SearchEntry

__all__ = [
    "MEMBER_IMPORT_HELD", "AccessLevel", "Announcement", "ClaimAction", "Delivery", "DeliveryKind",
    "Download", "Edition", "EditionClaim", "EventKind", "GramsField", "IssueAccess", "IssueEvent",
    "MemberImport", "MemberImportRow", "MemberImportState", "Membership", "Proof", "ProofStatus",
    "Read", "Release", "SearchEntry", "TaskWorker",
]
