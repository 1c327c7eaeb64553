resource "azurerm_servicebus_namespace" "main" {
  name                = "${local.name}-sbns"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = var.servicebus_sku
  minimum_tls_version = "1.2"
  local_auth_enabled  = false
  tags                = local.tags
}

# Every queue drops a message whose id it has seen within the hour: producers derive ids from business keys, so a
# retried send after a lost acknowledgement is not a second task.

# Task submissions. A session (tenant:sessionId) is handed to one consumer at a time, in order, the same promise the
# session workflow makes. Three deliveries, then the dead-letter queue, where the dead-letter alert sees it.
resource "azurerm_servicebus_queue" "tasks" {
  name                                    = "ants-tasks"
  namespace_id                            = azurerm_servicebus_namespace.main.id
  requires_session                        = true
  lock_duration                           = var.task_lock_duration
  max_delivery_count                      = 3
  default_message_ttl                     = var.task_message_ttl
  dead_lettering_on_message_expiration    = true
  requires_duplicate_detection            = true
  duplicate_detection_history_time_window = "PT1H"
}

# Capability requests (an API to build tools for), session-enabled like tasks.
resource "azurerm_servicebus_queue" "integrations" {
  name                                    = "ants-integrations"
  namespace_id                            = azurerm_servicebus_namespace.main.id
  requires_session                        = true
  lock_duration                           = var.task_lock_duration
  max_delivery_count                      = 3
  default_message_ttl                     = var.task_message_ttl
  dead_lettering_on_message_expiration    = true
  requires_duplicate_detection            = true
  duplicate_detection_history_time_window = "PT1H"
}

# Outcomes of the work the two queues started, correlated to the request by correlation id; no sessions, so any
# reader may take any reply.
resource "azurerm_servicebus_queue" "results" {
  name                                    = "ants-results"
  namespace_id                            = azurerm_servicebus_namespace.main.id
  lock_duration                           = "PT1M"
  max_delivery_count                      = 10
  default_message_ttl                     = "P7D"
  dead_lettering_on_message_expiration    = true
  requires_duplicate_detection            = true
  duplicate_detection_history_time_window = "PT1H"
}

# The result bridge's own reminders (scheduled messages) to publish an outcome once the workflow has one.
resource "azurerm_servicebus_queue" "results_watch" {
  name                                    = "ants-results-watch"
  namespace_id                            = azurerm_servicebus_namespace.main.id
  lock_duration                           = "PT1M"
  max_delivery_count                      = 10
  default_message_ttl                     = "P7D"
  dead_lettering_on_message_expiration    = true
  requires_duplicate_detection            = true
  duplicate_detection_history_time_window = "PT1H"
}
