-- The help centre's article page ranks related articles through these, without reading
-- each candidate's row (which holds its whole body): the articles of a category with
-- their ids, the articles of a tag or product, and what a list of links needs to know
-- of an article to show it to a reader (whether they may, and its title to order by).
-- Each replaces an index on the first of its columns.
DROP INDEX kb_articles_category;
CREATE INDEX kb_articles_category ON kb_articles (category_id, id);
DROP INDEX kb_article_tags_tag;
CREATE INDEX kb_article_tags_tag ON kb_article_tags (tag, article_id);
DROP INDEX kb_article_products_product;
CREATE INDEX kb_article_products_product ON kb_article_products (product, article_id);
CREATE INDEX kb_articles_links ON kb_articles (id, published_version, status, audience, title);
