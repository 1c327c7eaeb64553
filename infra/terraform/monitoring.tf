resource "azurerm_monitor_action_group" "ops" {
  name                = "${local.name}-ops"
  resource_group_name = azurerm_resource_group.main.name
  short_name          = "antsops"
  tags                = local.tags

  dynamic "email_receiver" {
    for_each = var.alert_email == "" ? [] : [var.alert_email]

    content {
      name                    = "ops"
      email_address           = email_receiver.value
      use_common_alert_schema = true
    }
  }
}

# Any dead-lettered message is a task or effect that failed three times or expired: a person should look.
resource "azurerm_monitor_metric_alert" "dead_letters" {
  name                = "${local.name}-sb-dead-letters"
  resource_group_name = azurerm_resource_group.main.name
  scopes              = [azurerm_servicebus_namespace.main.id]
  description         = "Messages in a Service Bus dead-letter queue (per queue)."
  severity            = 2
  frequency           = "PT5M"
  window_size         = "PT15M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.ServiceBus/namespaces"
    metric_name      = "DeadletteredMessages"
    aggregation      = "Maximum"
    operator         = "GreaterThan"
    threshold        = 0

    dimension {
      name     = "EntityName"
      operator = "Include"
      values   = ["*"]
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.ops.id
  }
}

# A growing backlog means consumers are missing or too few; the window is long enough to ignore bursts.
resource "azurerm_monitor_metric_alert" "backlog" {
  name                = "${local.name}-sb-backlog"
  resource_group_name = azurerm_resource_group.main.name
  scopes              = [azurerm_servicebus_namespace.main.id]
  description         = "Active messages waiting on a Service Bus queue above the backlog threshold (per queue)."
  severity            = 3
  frequency           = "PT5M"
  window_size         = "PT30M"
  tags                = local.tags

  criteria {
    metric_namespace = "Microsoft.ServiceBus/namespaces"
    metric_name      = "ActiveMessages"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = var.backlog_alert_threshold

    dimension {
      name     = "EntityName"
      operator = "Include"
      values   = ["*"]
    }
  }

  action {
    action_group_id = azurerm_monitor_action_group.ops.id
  }
}
