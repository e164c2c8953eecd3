-- Average quantity and price per item in one state's stores (q7 style).
select i_item_id, avg(ss_quantity) as agg1, avg(ss_sales_price) as agg2
from store_sales
join store on ss_store_sk = s_store_sk
join item on ss_item_sk = i_item_sk
join date_dim on ss_sold_date_sk = d_date_sk
where s_state = 'TN' and d_year = 2000
group by i_item_id
order by i_item_id
limit 100;
