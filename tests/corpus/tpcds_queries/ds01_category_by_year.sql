-- Sales of one category in one year (TPC-DS q3 style).
select d_year, i_category, sum(ss_sales_price) as sales
from date_dim, store_sales, item
where d_date_sk = ss_sold_date_sk
  and ss_item_sk = i_item_sk
  and i_category = 'Books'
  and d_year = 2001
group by d_year, i_category
order by sales desc;
