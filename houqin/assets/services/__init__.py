"""Operations of the asset register; each is one transaction with its ledger and change-log rows.

categories  category_import, category_create/update/delete, category_traits
assets      asset_register, asset_update, asset_split, asset_move, asset_set_status,
            asset_event_reverse, asset_classify
loans       asset_lend, asset_issue, loan_return, loan_overdue_remind
incidents   incident_report, incident_repair_start/finish, incident_compensation_set/pay,
            incident_follow_up, incident_close
disposals   disposal_request, disposal_policy_ensure, disposal_record_outcome,
            transfer_request, transfer_policy_ensure (and the approval callbacks)
custody     room_signoff
"""
