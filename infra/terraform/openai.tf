# Keys are disabled: the pools reach Azure OpenAI with their workload identity (Microsoft Entra tokens), so no
# model key exists to leak or rotate. The custom subdomain is what Entra token authentication requires.
resource "azurerm_cognitive_account" "openai" {
  name                  = "${local.name}-openai"
  location              = azurerm_resource_group.main.location
  resource_group_name   = azurerm_resource_group.main.name
  kind                  = "OpenAI"
  sku_name              = "S0"
  custom_subdomain_name = "${local.name}-openai"
  local_auth_enabled    = false
  tags                  = local.tags
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = var.openai_chat_model.name
  cognitive_account_id = azurerm_cognitive_account.openai.id

  model {
    format  = "OpenAI"
    name    = var.openai_chat_model.name
    version = var.openai_chat_model.version
  }

  sku {
    name     = var.openai_chat_model.sku
    capacity = var.openai_chat_model.capacity
  }
}

resource "azurerm_cognitive_deployment" "embedding" {
  name                 = var.openai_embedding_model.name
  cognitive_account_id = azurerm_cognitive_account.openai.id
  # The account accepts one deployment change at a time; in parallel the second one fails with a conflict.
  depends_on = [azurerm_cognitive_deployment.chat]

  model {
    format  = "OpenAI"
    name    = var.openai_embedding_model.name
    version = var.openai_embedding_model.version
  }

  sku {
    name     = var.openai_embedding_model.sku
    capacity = var.openai_embedding_model.capacity
  }
}
