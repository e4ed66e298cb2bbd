"""Operations of purchasing; each is one transaction with its change-log rows.

suppliers    supplier_create/update/delete, supplier_block/unblock,
             certificate_create/update/delete
requests     purchase_request_create/update/delete/submit/withdraw/cancel,
             purchase_policy_ensure (and the approval callbacks)
quotes       quote_add, quote_delete, quote_comparison_decide
orders       purchase_order_create, purchase_order_cancel
inspections  inspection_record (stock-in and asset cards in the same transaction)
alerts       certificates_expiring_notify, orders_late_notify, alerts_tick
"""
