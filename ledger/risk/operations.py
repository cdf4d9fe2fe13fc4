"""The risk feature's operations: the conditions a scan found (built by the risk scan) and a person's decisions on
an alert."""

from __future__ import annotations

from ledger.operation import ByCustomer, Operation
from ledger.risk import commands as c
from ledger.risk.decisions import acknowledge_risk_alert, apply_risk_conditions, resolve_risk_alert
from ledger.roles import COLLECTION

OPERATIONS = (
    Operation("applyRiskConditions", c.ApplyRiskConditions, apply_risk_conditions, ByCustomer()),
    Operation(
        "acknowledgeRiskAlert",
        c.AcknowledgeRiskAlert,
        acknowledge_risk_alert,
        ByCustomer(),
        parse=c.parse_acknowledge_risk_alert,
        roles=COLLECTION,
    ),
    Operation(
        "resolveRiskAlert",
        c.ResolveRiskAlert,
        resolve_risk_alert,
        ByCustomer(),
        parse=c.parse_resolve_risk_alert,
        roles=COLLECTION,
    ),
)
