"""What groundrail tells its operators: metrics, logs, the audit trail."""
