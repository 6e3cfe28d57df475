-- kb_revision counts the changes to what a help-centre page shows of the knowledge base
-- (articles, their labels, categories). Pages kept for anonymous visitors are valid only
-- for the revision they were read at, so an edit made by any process shows at once.
CREATE TABLE kb_revision (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO kb_revision (id, n) VALUES (1, 0);
CREATE TRIGGER kb_articles_revision_insert AFTER INSERT ON kb_articles BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_articles_revision_update AFTER UPDATE ON kb_articles BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_articles_revision_delete AFTER DELETE ON kb_articles BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_article_tags_revision_insert AFTER INSERT ON kb_article_tags BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_article_tags_revision_delete AFTER DELETE ON kb_article_tags BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_article_products_revision_insert AFTER INSERT ON kb_article_products BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_article_products_revision_delete AFTER DELETE ON kb_article_products BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_categories_revision_insert AFTER INSERT ON kb_categories BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_categories_revision_update AFTER UPDATE ON kb_categories BEGIN UPDATE kb_revision SET n = n + 1; END;
CREATE TRIGGER kb_categories_revision_delete AFTER DELETE ON kb_categories BEGIN UPDATE kb_revision SET n = n + 1; END;
